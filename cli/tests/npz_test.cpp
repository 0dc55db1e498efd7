// The .npz writer read back by the reader `gradref verify` uses (npz_read.cpp,
// written from the specifications: APPNOTE 4.3, NumPy's format.py): every local
// header, the central directory and the end record agree, every CRC-32 matches,
// every .npy header is version 1.0, 64-byte aligned, and describes its data; the
// reader refuses what it cannot read.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "npz.hpp"

namespace gradref::cli::npz {
namespace {

std::uint64_t le(const std::string& bytes, std::size_t at, int size) {
  std::uint64_t v = 0;
  for (int i = size - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes.at(at + i));
  return v;
}

TEST(Npz, Crc32OfTheCheckString) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
}

TEST(Npz, NpyHeaderIsVersion1AlignedAndDescribesTheData) {
  const std::string npy = npy_bytes(float64_array({2, 3}, {1, 2, 3, 4, 5, 6.5}));
  ASSERT_EQ(npy.substr(0, 6), std::string("\x93NUMPY", 6));
  EXPECT_EQ(npy[6], 1);
  EXPECT_EQ(npy[7], 0);
  const std::size_t header_size = le(npy, 8, 2);
  EXPECT_EQ((10 + header_size) % 64, 0u);
  const std::string header = npy.substr(10, header_size);
  EXPECT_EQ(header.back(), '\n');
  EXPECT_NE(header.find("'descr': '<f8'"), std::string::npos);
  EXPECT_NE(header.find("'fortran_order': False"), std::string::npos);
  EXPECT_NE(header.find("'shape': (2, 3)"), std::string::npos);
  ASSERT_EQ(npy.size(), 10 + header_size + 6 * 8);
  double last;
  std::uint64_t bits = le(npy, npy.size() - 8, 8);
  std::memcpy(&last, &bits, 8);
  EXPECT_EQ(last, 6.5);
}

TEST(Npz, ShapesOfRankZeroAndOneArePythonTuples) {
  const std::string scalar = npy_bytes(int64_array({}, {-3}));
  EXPECT_NE(scalar.find("'descr': '<i8'"), std::string::npos);
  EXPECT_NE(scalar.find("'shape': ()"), std::string::npos);
  EXPECT_EQ(static_cast<std::int64_t>(le(scalar, scalar.size() - 8, 8)), -3);
  const std::string vector = npy_bytes(float32_array({1}, {0.1f}));
  EXPECT_NE(vector.find("'shape': (1,)"), std::string::npos);
  std::uint32_t bits;
  const float f = 0.1f;
  std::memcpy(&bits, &f, 4);
  EXPECT_EQ(le(vector, vector.size() - 4, 4), bits);
}

TEST(Npz, ValueCountMustMatchTheShape) { EXPECT_THROW(float32_array({2, 2}, {1, 2, 3}), std::invalid_argument); }

TEST(Npz, ZipHoldsEveryEntryStoredWithItsCrc) {
  const std::vector<std::pair<std::string, std::string>> entries = {
      {"version.npy", npy_bytes(int64_array({}, {1}))},
      {"golden.json", "{\"format\": \"gradref-golden\"}\n"},
      {"case_0000/inputs/param.npy", npy_bytes(float32_array({3}, {1, -2, 0.5f}))},
      {"empty.bin", ""}};
  const std::string zip = zip_stored(entries);
  const std::vector<ZipEntry> read = read_zip(zip);
  ASSERT_EQ(read.size(), entries.size());
  for (std::size_t k = 0; k < entries.size(); ++k) {
    EXPECT_EQ(read[k].name, entries[k].first);
    EXPECT_EQ(read[k].data, entries[k].second);
  }
  EXPECT_EQ(zip_stored(entries), zip);  // deterministic: no clock in the file
}

TEST(Npz, NpyReadsBackWhatItWrote) {
  const NpyArray f = parse_npy(npy_bytes(float32_array({2, 1}, {0.1f, -3})));
  EXPECT_EQ(f.descr, "<f4");
  EXPECT_EQ(f.shape, (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(npy_values(f), (std::vector<double>{0.1f, -3}));
  const NpyArray i = parse_npy(npy_bytes(int64_array({}, {-7})));
  EXPECT_TRUE(i.shape.empty());
  EXPECT_EQ(npy_values(i), std::vector<double>{-7});
}

TEST(Npz, ReaderRefusesCompressionCorruptionAndFortranOrder) {
  std::string zip = zip_stored({{"a.npy", npy_bytes(float64_array({1}, {2.5}))}});
  std::string compressed = zip;
  compressed[8] = 8;  // local header: method deflate
  compressed[zip.size() - 22 - 46 - 5 + 10] = 8;  // central directory record: method deflate
  EXPECT_THROW(read_zip(compressed), std::invalid_argument);
  std::string corrupt = zip;
  corrupt[30 + 5 + 70] ^= 1;  // a data byte
  EXPECT_THROW(read_zip(corrupt), std::invalid_argument);
  EXPECT_THROW(read_zip("not a zip file at all, just text"), std::invalid_argument);
  std::string fortran = npy_bytes(float64_array({1}, {2.5}));
  fortran.replace(fortran.find("False"), 5, "True ");
  EXPECT_THROW(parse_npy(fortran), std::invalid_argument);
}

TEST(Npz, EmptyZipIsJustTheEndRecord) {
  const std::string zip = zip_stored({});
  EXPECT_EQ(zip.size(), 22u);
  EXPECT_TRUE(read_zip(zip).empty());
}

}  // namespace
}  // namespace gradref::cli::npz
