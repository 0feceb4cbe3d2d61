"""The provider directory's named problems (shared/errors.py)."""

from collections.abc import Sequence

from referral_svc.providers import matching
from shared.errors import FieldError, Forbidden, NotFound, Problem, ValidationProblem

# What a failed rule of `matching.check_referable` tells the client: (field, message).
_NOT_REFERABLE = {
    matching.INACTIVE: ("provider_id", "The provider is not active."),
    matching.NOT_ACCREDITED: ("provider_id", "The provider's accreditation is missing or expired."),
    matching.AGE_GROUP_NOT_ACCEPTED: (
        "provider_id",
        "The provider does not take the person's age group.",
    ),
}


class ProviderNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such provider.")


class NotTheProvidersStaff(Forbidden):
    """Free places are set by the provider's own staff or by whoever manages the directory."""

    def __init__(self) -> None:
        super().__init__("Only the provider's own staff or a coordinator set its free places.")


class InvalidEntry(Problem):
    """A directory entry whose fields, each valid alone, do not fit together: a 422 naming
    each field."""

    slug = "validation"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


class UnsafeWebhook(ValidationProblem):
    """A webhook pointing where the service may not call (shared/outbound.py)."""

    def __init__(self, refusal: str) -> None:
        super().__init__("webhook_url", refusal)


class BothKindsOfArea(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("countries", "Give counties or countries, not both.")


class NoSuchPlaces(ValidationProblem):
    def __init__(self, service: str) -> None:
        super().__init__("service", f"The provider has no {service} places.")


class MoreFreeThanTotal(ValidationProblem):
    def __init__(self, total: int) -> None:
        super().__init__("free", f"Free places cannot exceed the total of {total}.")


class NoServicesNamed(ValidationProblem):
    """Matching without services named, for a case whose risk assessment recommends none."""

    def __init__(self) -> None:
        super().__init__(
            "service", "Name the services needed: the case has no risk assessment recommending any."
        )


class NotReferable(Problem):
    """The provider fails a rule that binds a referral (`matching.check_referable`): a 422
    naming each field, with the rules failed as `reasons`."""

    slug = "validation"

    def __init__(self, failed: Sequence[str]) -> None:
        errors = []
        for reason in failed:
            if reason.startswith("service_not_offered:"):
                service = reason.split(":", 1)[1]
                errors.append(FieldError("services", f"The provider does not offer {service}."))
            else:
                field, message = _NOT_REFERABLE.get(reason, ("provider_id", reason))
                errors.append(FieldError(field, message))
        detail = "The provider cannot take this referral: " + "; ".join(e.message for e in errors)
        super().__init__(detail, errors=errors, extra={"reasons": list(failed)})
