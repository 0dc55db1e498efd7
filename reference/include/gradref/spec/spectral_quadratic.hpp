#pragma once
// A quadratic's matrix with prescribed eigenvalues: A = Q diag(lambda) Q^T, Q an
// exact rotation, the product G_1 G_2 ... G_R of Givens rotations in the planes
// (i_r, j_r) with rational cosine and sine from Euclid's formula for Pythagorean
// triples:
//   cos_r = (p_r^2 - q_r^2) / (p_r^2 + q_r^2),  sin_r = 2 p_r q_r / (p_r^2 + q_r^2)
//   G_r = I except [G]_ii = [G]_jj = cos_r, [G]_ij = -sin_r, [G]_ji = sin_r.
// So Q = N / D with N an integer matrix and D = prod (p_r^2 + q_r^2), and
//   A_ij = (sum_k N_ik lambda_k N_jk) / D^2,
// exact up to one rounding of the division (no binary format holds 3/5 exactly).
// D is limited to 4096, so that D^2 and every entry of N (at most D in magnitude,
// Q being orthogonal) are integers exact in float32.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gradref/spec/bce.hpp"  // require_values_in, largest_double
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

struct SpectralQuadratic {
  static constexpr const char* op = "spectral_quadratic";
  template <class V>
  void describe(V&) {}
};
inline void validate(const SpectralQuadratic&) {}

inline constexpr std::array<Preset<SpectralQuadratic>, 1> spectral_quadratic_presets{{
    {"textbook",
     "A = Q diag(lambda) Q^T (spectral theorem; Golub & Van Loan, Matrix Computations, 4th ed., sec. 8.1), Q a "
     "product of Givens rotations (sec. 5.1.8) with Euclid's Pythagorean-triple cosine and sine",
     [](SpectralQuadratic& s) { s = SpectralQuadratic{}; }},
}};
inline const auto& presets_of(const SpectralQuadratic*) { return spectral_quadratic_presets; }

/// One Givens rotation in the plane (i, j), angle given by Euclid's (p, q).
struct Givens {
  std::int64_t i = 0, j = 1, p = 2, q = 1;
};

inline constexpr std::int64_t largest_rotation_denominator = 4096;

/// Checks eigenvalues ([n], n >= 1) and rotations ([R, 4]); returns n.
inline std::int64_t spectral_dimension(const Shape& eigenvalues, const Shape& rotations) {
  const char* op = SpectralQuadratic::op;
  if (eigenvalues.size() != 1 || eigenvalues[0] < 1)
    throw InvalidInput(op, "eigenvalues.shape", shape_text(eigenvalues), "shape [n] with n >= 1");
  if (rotations.size() != 2 || rotations[1] != 4)
    throw InvalidInput(op, "rotations.shape", shape_text(rotations), "shape [R, 4]: rows (i, j, p, q)");
  return eigenvalues[0];
}

/// Checks each rotation (0 <= i, j < n, i != j, (p, q) != (0, 0)) and that
/// D = prod (p^2 + q^2) <= 4096; returns D.
inline std::int64_t rotation_denominator(std::span<const Givens> rotations, std::int64_t n) {
  const char* op = SpectralQuadratic::op;
  std::int64_t d = 1;
  for (std::size_t r = 0; r < rotations.size(); ++r) {
    const Givens& g = rotations[r];
    const std::string at = "rotations[" + std::to_string(r) + "]";
    const std::string text = "(" + std::to_string(g.i) + ", " + std::to_string(g.j) + ", " + std::to_string(g.p) +
                             ", " + std::to_string(g.q) + ")";
    if (g.i < 0 || g.j < 0 || g.i >= n || g.j >= n || g.i == g.j)
      throw InvalidInput(op, at, text, "planes i != j with 0 <= i, j < n = " + std::to_string(n));
    if (g.p == 0 && g.q == 0) throw InvalidInput(op, at, text, "(p, q) != (0, 0)");
    if (g.p > 64 || g.p < -64 || g.q > 64 || g.q < -64) throw InvalidInput(op, at, text, "|p|, |q| <= 64");
    d *= g.p * g.p + g.q * g.q;
    if (d > largest_rotation_denominator)
      throw InvalidInput(op, "rotations", "prod (p^2 + q^2) = " + std::to_string(d) + " after " + at,
                         "prod (p^2 + q^2) <= 4096 (N and D^2 exact in float32)");
  }
  return d;
}

/// The integer matrix N = D Q, row-major [n, n].
inline std::vector<std::int64_t> rotation_numerators(std::span<const Givens> rotations, std::int64_t n) {
  std::vector<std::int64_t> N(static_cast<std::size_t>(n * n), 0);
  for (std::int64_t k = 0; k < n; ++k) N[static_cast<std::size_t>(k * n + k)] = 1;
  for (const Givens& g : rotations) {
    const std::int64_t c = g.p * g.p - g.q * g.q, s = 2 * g.p * g.q, r = g.p * g.p + g.q * g.q;
    for (std::int64_t k = 0; k < n; ++k) {
      // Columns i and j of N G_r (times r): (N_ki c + N_kj s, -N_ki s + N_kj c); the
      // other columns are multiplied by r.
      for (std::int64_t col = 0; col < n; ++col)
        if (col != g.i && col != g.j) N[static_cast<std::size_t>(k * n + col)] *= r;
      const std::int64_t a = N[static_cast<std::size_t>(k * n + g.i)], b = N[static_cast<std::size_t>(k * n + g.j)];
      N[static_cast<std::size_t>(k * n + g.i)] = a * c + b * s;
      N[static_cast<std::size_t>(k * n + g.j)] = -a * s + b * c;
    }
  }
  return N;
}

template <class V, class Text>
void check_spectral_values(std::span<const V> eigenvalues, const Text& text) {
  require_values_in(SpectralQuadratic::op, "eigenvalues", eigenvalues, -largest_double, largest_double,
                    "a finite number", text);
}

}  // namespace gradref::spec
