#pragma once
// A small writer and reader of NumPy's .npz: an uncompressed zip (every entry
// stored, with its CRC-32) of .npy files (format version 1.0, little-endian). No
// library: NumPy's format is a fixed header and raw bytes, and a stored zip is
// three record types. Entries are written in the order given, with a fixed
// timestamp (1980-01-01 00:00), so the same arrays always give the same bytes.
// The reader takes what numpy.savez writes (stored entries, zip64 extra fields in
// the local headers) and refuses compressed entries (numpy.savez_compressed).
#include <cstdint>
#include <string>
#include <vector>

namespace gradref::cli::npz {

/// One .npy array: `descr` is "<f4", "<f8" or "<i8"; `data` holds the values'
/// bytes, little-endian, row-major; shape {} is a 0-d array (one value).
struct NpyArray {
  std::string descr;
  std::vector<std::int64_t> shape;
  std::string data;
};

NpyArray float32_array(std::vector<std::int64_t> shape, const std::vector<float>& values);
NpyArray float64_array(std::vector<std::int64_t> shape, const std::vector<double>& values);
NpyArray int64_array(std::vector<std::int64_t> shape, const std::vector<std::int64_t>& values);

/// The bytes of a .npy file (version 1.0; header padded so the data starts at a
/// multiple of 64 bytes, as NumPy writes it).
std::string npy_bytes(const NpyArray& array);

/// CRC-32 (ISO-HDLC, the zip polynomial 0xEDB88320) of `bytes`.
std::uint32_t crc32(const std::string& bytes);

/// A zip file holding each (name, bytes) entry stored, uncompressed. Throws
/// std::length_error beyond the classic zip limits (65535 entries, 4 GiB).
std::string zip_stored(const std::vector<std::pair<std::string, std::string>>& entries);

/// One entry of a zip: its name and its (uncompressed) bytes.
struct ZipEntry {
  std::string name;
  std::string data;
};

/// The entries of a zip, in central-directory order, each checked against its
/// local header and its CRC-32. Throws std::invalid_argument saying what is wrong
/// (not a zip, a compressed entry, a CRC mismatch, a record out of bounds).
std::vector<ZipEntry> read_zip(const std::string& zip);

/// A parsed .npy file (versions 1.0 to 3.0): descr as written ("<f4", "<f8",
/// "<i8", ...), C-order shape, and the raw data bytes. Throws
/// std::invalid_argument on a malformed header, Fortran order, or a data size
/// that does not match the shape and the item size.
NpyArray parse_npy(const std::string& bytes);

/// The values of an array whose descr is a little-endian float or signed integer
/// ("<f4", "<f8", "<i4", "<i8"; "|i1" too), widened to double (exact for floats,
/// and for integers up to 2^53; larger integers throw std::invalid_argument).
std::vector<double> npy_values(const NpyArray& array);

}  // namespace gradref::cli::npz
