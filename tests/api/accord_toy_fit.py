"""A toy fit for the API test: returns what it is given."""

from accord.fits import DataSample, Estimate, FitResult


def fit(value: float = 1.0) -> FitResult:
    return FitResult(
        model="toy",
        description="toy",
        method="none",
        library="none",
        data=DataSample(source="none", n=1),
        estimates=(Estimate("slope", value),),
    )
