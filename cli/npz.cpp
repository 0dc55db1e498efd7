#include "npz.hpp"

#include <array>
#include <bit>
#include <stdexcept>
#include <utility>

namespace gradref::cli::npz {

namespace {

void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

template <class T, class Bits>
std::string le_bytes(const std::vector<T>& values) {
  std::string out;
  out.reserve(values.size() * sizeof(T));
  for (const T& v : values) put_le(out, std::bit_cast<Bits>(v), sizeof(T));
  return out;
}

std::int64_t count_of(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t extent : shape) n *= extent;
  return n;
}

template <class T>
void check_count(const std::vector<std::int64_t>& shape, const std::vector<T>& values) {
  if (count_of(shape) != static_cast<std::int64_t>(values.size()))
    throw std::invalid_argument("npz: " + std::to_string(values.size()) + " values for a shape of " +
                                std::to_string(count_of(shape)) + " elements");
}

// The shape as a Python tuple: (), (3,), (2, 3).
std::string shape_tuple(const std::vector<std::int64_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) out += ",";
  return out + ")";
}

constexpr std::uint32_t local_header_signature = 0x04034b50;
constexpr std::uint32_t central_header_signature = 0x02014b50;
constexpr std::uint32_t end_of_directory_signature = 0x06054b50;
constexpr int version_needed = 20;      // 2.0: the oldest that any reader understands
constexpr int dos_date_1980_01_01 = 0x21;  // (year - 1980) << 9 | month << 5 | day
constexpr std::uint64_t max_u32 = 0xffffffffu;

// The fields the local header and the central directory share, from "version
// needed" to "extra field length" (APPNOTE 4.3.7 and 4.3.12).
void put_common(std::string& out, std::uint32_t crc, std::uint64_t size, std::size_t name_size) {
  put_le(out, version_needed, 2);
  put_le(out, 0, 2);  // flags: none (names are ASCII, sizes known in advance)
  put_le(out, 0, 2);  // method: stored
  put_le(out, 0, 2);  // time 00:00:00
  put_le(out, dos_date_1980_01_01, 2);
  put_le(out, crc, 4);
  put_le(out, size, 4);  // compressed size = size: stored
  put_le(out, size, 4);
  put_le(out, name_size, 2);
  put_le(out, 0, 2);  // no extra field
}

}  // namespace

NpyArray float32_array(std::vector<std::int64_t> shape, const std::vector<float>& values) {
  check_count(shape, values);
  return {"<f4", std::move(shape), le_bytes<float, std::uint32_t>(values)};
}

NpyArray float64_array(std::vector<std::int64_t> shape, const std::vector<double>& values) {
  check_count(shape, values);
  return {"<f8", std::move(shape), le_bytes<double, std::uint64_t>(values)};
}

NpyArray int64_array(std::vector<std::int64_t> shape, const std::vector<std::int64_t>& values) {
  check_count(shape, values);
  return {"<i8", std::move(shape), le_bytes<std::int64_t, std::uint64_t>(values)};
}

std::string npy_bytes(const NpyArray& array) {
  static constexpr char magic[] = "\x93NUMPY";
  std::string header = "{'descr': '" + array.descr + "', 'fortran_order': False, 'shape': " +
                       shape_tuple(array.shape) + ", }";
  // magic (6) + version (2) + header length (2) + header, ending in '\n', padded
  // with spaces to a multiple of 64 bytes.
  const std::size_t prefix = 10;
  const std::size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header.push_back('\n');
  std::string out(magic, 6);
  out.push_back('\x01');
  out.push_back('\x00');
  put_le(out, header.size(), 2);
  out += header;
  out += array.data;
  return out;
}

std::uint32_t crc32(const std::string& bytes) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xffffffffu;
  for (const char ch : bytes) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

std::string zip_stored(const std::vector<std::pair<std::string, std::string>>& entries) {
  if (entries.size() > 0xffff) throw std::length_error("npz: more than 65535 arrays (zip64 is not written)");
  std::string out, directory;
  for (const auto& [name, bytes] : entries) {
    if (name.size() > 0xffff) throw std::length_error("npz: entry name too long");
    const std::uint64_t offset = out.size();
    if (bytes.size() > max_u32 || offset > max_u32) throw std::length_error("npz: beyond 4 GiB (zip64 is not written)");
    const std::uint32_t crc = crc32(bytes);
    put_le(out, local_header_signature, 4);
    put_common(out, crc, bytes.size(), name.size());
    out += name;
    out += bytes;

    put_le(directory, central_header_signature, 4);
    put_le(directory, version_needed, 2);  // version made by: 2.0, MS-DOS attributes
    put_common(directory, crc, bytes.size(), name.size());
    put_le(directory, 0, 2);  // comment length
    put_le(directory, 0, 2);  // disk number
    put_le(directory, 0, 2);  // internal attributes
    put_le(directory, 0, 4);  // external attributes
    put_le(directory, offset, 4);
    directory += name;
  }
  const std::uint64_t directory_offset = out.size();
  if (directory_offset > max_u32 || directory.size() > max_u32)
    throw std::length_error("npz: beyond 4 GiB (zip64 is not written)");
  out += directory;
  put_le(out, end_of_directory_signature, 4);
  put_le(out, 0, 2);  // this disk
  put_le(out, 0, 2);  // disk with the directory
  put_le(out, entries.size(), 2);
  put_le(out, entries.size(), 2);
  put_le(out, directory.size(), 4);
  put_le(out, directory_offset, 4);
  put_le(out, 0, 2);  // comment length
  return out;
}

}  // namespace gradref::cli::npz
