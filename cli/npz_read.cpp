// The .npz reader: the stored-zip and .npy parts of numpy.savez's output
// (APPNOTE 4.3.7, 4.3.12, 4.3.16; NumPy's format.py). See npz.hpp.
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "npz.hpp"

namespace gradref::cli::npz {

namespace {

constexpr std::uint32_t local_header_signature = 0x04034b50;
constexpr std::uint32_t central_header_signature = 0x02014b50;
constexpr std::uint32_t end_of_directory_signature = 0x06054b50;
constexpr std::size_t end_record_size = 22;
constexpr std::size_t central_header_size = 46;
constexpr std::size_t local_header_size = 30;

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }

std::uint64_t le(const std::string& bytes, std::size_t at, int size) {
  if (at > bytes.size() || bytes.size() - at < static_cast<std::size_t>(size))
    bad("zip: a record runs past the end of the file (truncated?)");
  std::uint64_t v = 0;
  for (int i = size - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return v;
}

/// The end-of-central-directory record: the last occurrence of its signature
/// within the final 64 KiB + 22 bytes (a zip comment may follow it).
std::size_t end_record(const std::string& zip) {
  if (zip.size() < end_record_size) bad("zip: too short to be a zip file");
  const std::size_t lowest = zip.size() > 0xffff + end_record_size ? zip.size() - 0xffff - end_record_size : 0;
  for (std::size_t at = zip.size() - end_record_size;; --at) {
    if (le(zip, at, 4) == end_of_directory_signature) return at;
    if (at == lowest) break;
  }
  bad("zip: no end-of-central-directory record (not a zip file)");
}

std::string header_value(const std::string& header, const std::string& key) {
  const std::size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) bad("npy: header has no '" + key + "'");
  std::size_t at = header.find(':', k);
  if (at == std::string::npos) bad("npy: malformed header");
  ++at;
  while (at < header.size() && header[at] == ' ') ++at;
  if (at >= header.size()) bad("npy: malformed header");
  std::size_t end;
  if (header[at] == '\'') {
    end = header.find('\'', at + 1);
    if (end == std::string::npos) bad("npy: malformed header");
    return header.substr(at + 1, end - at - 1);
  }
  if (header[at] == '(') {
    end = header.find(')', at);
    if (end == std::string::npos) bad("npy: malformed header");
    return header.substr(at, end - at + 1);
  }
  end = header.find_first_of(",}", at);
  if (end == std::string::npos) bad("npy: malformed header");
  return header.substr(at, end - at);
}

std::vector<std::int64_t> parse_shape(const std::string& tuple) {
  std::vector<std::int64_t> shape;
  std::size_t at = 1;  // after '('
  while (at < tuple.size()) {
    while (at < tuple.size() && (tuple[at] == ' ' || tuple[at] == ',')) ++at;
    if (at >= tuple.size() || tuple[at] == ')') break;
    std::size_t end = at;
    while (end < tuple.size() && tuple[end] >= '0' && tuple[end] <= '9') ++end;
    if (end == at || end - at > 15) bad("npy: malformed shape " + tuple);
    shape.push_back(std::stoll(tuple.substr(at, end - at)));
    at = end;
  }
  return shape;
}

std::size_t item_size(const std::string& descr) {
  if (descr.size() < 3 || (descr[0] != '<' && descr[0] != '|')) bad("npy: dtype " + descr + " is not little-endian");
  const std::string digits = descr.substr(2);
  if (digits != "1" && digits != "2" && digits != "4" && digits != "8") bad("npy: unsupported dtype " + descr);
  return static_cast<std::size_t>(std::stoi(digits));
}

}  // namespace

std::vector<ZipEntry> read_zip(const std::string& zip) {
  const std::size_t end = end_record(zip);
  const std::uint64_t count = le(zip, end + 10, 2);
  const std::uint64_t directory_size = le(zip, end + 12, 4);
  std::size_t at = le(zip, end + 16, 4);
  if (at + directory_size > end) bad("zip: the central directory runs into its end record");
  std::vector<ZipEntry> out;
  for (std::uint64_t k = 0; k < count; ++k) {
    if (le(zip, at, 4) != central_header_signature) bad("zip: bad central directory record");
    const std::uint64_t method = le(zip, at + 10, 2);
    const std::uint64_t crc = le(zip, at + 16, 4);
    const std::uint64_t size = le(zip, at + 20, 4);
    const std::uint64_t name_size = le(zip, at + 28, 2);
    const std::uint64_t skip = le(zip, at + 30, 2) + le(zip, at + 32, 2);
    const std::size_t local = le(zip, at + 42, 4);
    if (at + central_header_size + name_size > zip.size()) bad("zip: a name runs past the end of the file");
    const std::string name = zip.substr(at + central_header_size, name_size);
    if (method != 0)
      bad("zip: entry " + name + " is compressed (method " + std::to_string(method) +
          "); write the file uncompressed (numpy.savez, not savez_compressed)");
    if (size == std::numeric_limits<std::uint32_t>::max()) bad("zip: entry " + name + " needs zip64 (over 4 GiB)");
    if (le(zip, at + 24, 4) != size) bad("zip: entry " + name + " has different stored and uncompressed sizes");
    at += central_header_size + name_size + skip;

    if (le(zip, local, 4) != local_header_signature) bad("zip: entry " + name + " has no local header");
    const std::uint64_t local_name_size = le(zip, local + 26, 2);
    const std::size_t data_at = local + local_header_size + local_name_size + le(zip, local + 28, 2);
    if (zip.substr(local + local_header_size, local_name_size) != name)
      bad("zip: entry " + name + ": local header names another file");
    if (data_at > zip.size() || zip.size() - data_at < size) bad("zip: entry " + name + " runs past the end of the file");
    std::string data = zip.substr(data_at, size);
    if (crc32(data) != crc) bad("zip: entry " + name + " fails its CRC-32 check (corrupt file)");
    out.push_back({name, std::move(data)});
  }
  return out;
}

NpyArray parse_npy(const std::string& bytes) {
  if (bytes.size() < 10 || bytes.compare(0, 6, std::string("\x93NUMPY", 6)) != 0) bad("npy: not a .npy file");
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) bad("npy: format version " + std::to_string(major) + " is not supported");
  const int length_bytes = major == 1 ? 2 : 4;
  const std::size_t header_size = le(bytes, 8, length_bytes);
  const std::size_t data_at = 8 + static_cast<std::size_t>(length_bytes) + header_size;
  if (data_at > bytes.size()) bad("npy: header runs past the end of the file");
  const std::string header = bytes.substr(8 + static_cast<std::size_t>(length_bytes), header_size);
  NpyArray out;
  out.descr = header_value(header, "descr");
  if (header_value(header, "fortran_order") != "False") bad("npy: Fortran order; write C order (numpy's default)");
  out.shape = parse_shape(header_value(header, "shape"));
  std::uint64_t count = 1;
  for (std::int64_t extent : out.shape) {
    if (extent != 0 && count > (std::uint64_t{1} << 40) / static_cast<std::uint64_t>(extent)) bad("npy: shape too large");
    count *= static_cast<std::uint64_t>(extent);
  }
  if (bytes.size() - data_at != count * item_size(out.descr))
    bad("npy: " + std::to_string(bytes.size() - data_at) + " data bytes for " + std::to_string(count) +
        " elements of " + out.descr);
  out.data = bytes.substr(data_at);
  return out;
}

std::vector<double> npy_values(const NpyArray& array) {
  const std::size_t size = item_size(array.descr);
  const char kind = array.descr[1];
  std::vector<double> out;
  for (std::size_t at = 0; at < array.data.size(); at += size) {
    const std::uint64_t bits = le(array.data, at, static_cast<int>(size));
    if (kind == 'f' && size == 4) {
      out.push_back(static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(bits))));
    } else if (kind == 'f' && size == 8) {
      out.push_back(std::bit_cast<double>(bits));
    } else if (kind == 'i') {
      // Sign-extend from `size` bytes.
      const int shift = 64 - 8 * static_cast<int>(size);
      const std::int64_t v = static_cast<std::int64_t>(bits << shift) >> shift;
      if (v > (std::int64_t{1} << 53) || v < -(std::int64_t{1} << 53)) bad("npy: integer beyond 2^53");
      out.push_back(static_cast<double>(v));
    } else {
      bad("npy: dtype " + array.descr + " is not a float32, float64 or signed integer array");
    }
  }
  return out;
}

}  // namespace gradref::cli::npz
