# The golden files' acceptance test, evaluated exactly in Python: an element passes
# when abs(candidate - exact) <= bound, with the candidate's float, the 40-digit
# exact decimal and the bound all converted to Fractions (double arithmetic could not
# decide a float64 comparison). `gradref verify` is the tool for this; this module is
# the script's own cross-check and its fallback where verify is unavailable.
import math
from dataclasses import dataclass, field
from decimal import Context, Decimal
from fractions import Fraction

# (significand bits, smallest normal exponent) of each dtype, for ULPs.
_FORMATS = {"float32": (24, -126), "float64": (53, -1022)}
_DECIMAL = Context(prec=100, Emin=-10 ** 6, Emax=10 ** 6)
_TIE = Decimal("1e-60")


def ulp(value: Fraction, dtype: str) -> Fraction:
    """The spacing of dtype's floats at |value| (the subnormal spacing below the normals)."""
    precision, emin = _FORMATS[dtype]
    magnitude = abs(value)
    exponent = emin
    if magnitude != 0:
        # floor(log2(magnitude)), exact for Fractions.
        exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
        if Fraction(2) ** exponent > magnitude:
            exponent -= 1
        exponent = max(exponent, emin)
    return Fraction(2) ** (exponent - precision + 1)


def _to_float(ratio: Fraction) -> float:
    """A non-negative Fraction as a float, inf where it exceeds the double range."""
    return float(ratio) if ratio < Fraction(10) ** 300 else math.inf


def _special(text: str):
    return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}.get(text)


@dataclass
class ElementResult:
    passed: bool
    ulps: float = 0.0          # |candidate - exact| in ULPs of the dtype at the exact value
    bound_ratio: float = 0.0   # |candidate - exact| / bound (0 when both are 0)


def check_element(candidate: float, exact: str, bound: str, dtype: str) -> ElementResult:
    special = _special(exact)
    if special is not None:  # nan only matches nan, an infinity only itself
        same = math.isnan(candidate) if math.isnan(special) else candidate == special
        return ElementResult(same, 0.0 if same else math.inf, 0.0 if same else math.inf)
    if math.isnan(candidate) or math.isinf(candidate):
        return ElementResult(bound == "inf", math.inf, math.inf if bound != "inf" else 0.0)
    quick = _decimal_verdict(candidate, exact, bound, dtype)
    if quick:
        return quick
    error = abs(Fraction(candidate) - Fraction(exact))
    ulps = _to_float(error / ulp(Fraction(exact), dtype))
    if bound == "inf":  # the error model does not bound this element
        return ElementResult(True, ulps, 0.0)
    limit = Fraction(bound)
    ratio = _to_float(error / limit) if limit else (0.0 if error == 0 else math.inf)
    return ElementResult(error <= limit, ulps, ratio)


def _decimal_verdict(candidate: float, exact: str, bound: str, dtype: str):
    """The same verdict with 100-digit decimals (ten times faster than Fractions): the
    candidate's float converts exactly, the subtraction is correctly rounded to 100
    digits, so the verdict is certain unless the error is within 1e-60 of the bound
    (then None: the Fractions decide)."""
    if bound == "inf":
        return None
    error = abs(_DECIMAL.subtract(Decimal(candidate), Decimal(exact)))
    limit = Decimal(bound)
    if abs(error - limit) <= limit * _TIE:
        return None
    precision, emin = _FORMATS[dtype]
    mantissa, exponent = math.frexp(float(exact))
    if abs(mantissa) == 0.5:  # float(exact) is a power of two: exact may lie just below it
        exact_spacing = ulp(Fraction(exact), dtype)
        spacing = _DECIMAL.divide(Decimal(exact_spacing.numerator), Decimal(exact_spacing.denominator))
    else:
        spacing = Decimal(2) ** (max(exponent - 1 if mantissa else emin, emin) - precision + 1)
    ratio = float(error / limit) if limit else (0.0 if error == 0 else math.inf)
    return ElementResult(error <= limit, float(_DECIMAL.divide(error, spacing)), ratio)


@dataclass
class OpSummary:
    """One golden file against one candidate: the numbers `gradref verify` prints per op."""
    cases: int = 0
    passed: int = 0
    skipped: int = 0
    worst_ulps: float = 0.0
    worst_ratio: float = 0.0
    failures: list = field(default_factory=list)  # (case index, output, element, ElementResult)
    errors: list = field(default_factory=list)    # (case index, message): the implementation gave no output

    def add_error(self, index: int, message: str) -> None:
        self.cases += 1
        self.errors.append((index, message))

    def add_case(self, index: int, golden_case: dict, outputs: dict, dtype: str) -> None:
        self.cases += 1
        case_ok = bool(outputs)  # a case that gives no output at all fails
        for name, expected in golden_case["outputs"].items():
            if name not in outputs:
                continue  # unchecked, not failed
            values = outputs[name]
            for k, (exact, bound) in enumerate(zip(expected["exact"], expected["bound"])):
                result = check_element(values[k], exact, bound, dtype)
                self.worst_ulps = max(self.worst_ulps, result.ulps)
                self.worst_ratio = max(self.worst_ratio, result.bound_ratio)
                if not result.passed:
                    case_ok = False
                    self.failures.append((index, name, k, result))
        self.passed += case_ok
