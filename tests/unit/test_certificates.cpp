// The cluster CA (actors/cluster/certificates.*): issued certificates verify against their own CA and
// no other, keys match and stay private, nothing is overwritten, and every refusal names its file.
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/cluster/certificates.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eligo::cluster;
using eligo::test::TempDir;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const CertificateError& e) {
    return e.what();
  }
  FAIL("no CertificateError");
  return {};
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

std::unique_ptr<X509, X509Free> read_certificate(const fs::path& p) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(p.c_str(), "r"), std::fclose);
  REQUIRE(f);
  std::unique_ptr<X509, X509Free> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  REQUIRE(cert);
  return cert;
}

}  // namespace

TEST_CASE("an issued certificate passes tls_files and names its three files", "[certs]") {
  TempDir t("eligo_certs");
  const fs::path dir = t.path() / "certs";  // init creates it
  init_certificate_authority(dir);
  const TlsFiles issued = issue_certificate(dir, "node-1.a_b");
  const TlsFiles checked = tls_files(dir, "node-1.a_b");
  CHECK(checked.ca_file == dir / "ca.pem");
  CHECK(checked.cert_file == dir / "node-1.a_b.pem");
  CHECK(checked.key_file == dir / "node-1.a_b.key");
  CHECK(issued.cert_file == checked.cert_file);
  for (const fs::path& p : {dir / "ca.pem", dir / "ca.key", checked.cert_file, checked.key_file})
    CHECK(fs::is_regular_file(p));
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) files += entry.is_regular_file() ? 1 : 0;
  CHECK(files == 4);  // no temporary file is left behind
}

TEST_CASE("an issued certificate is signed by the CA and fit for both TLS roles", "[certs]") {
  TempDir t("eligo_certs");
  init_certificate_authority(t.path());
  issue_certificate(t.path(), "node1");
  const auto ca = read_certificate(t.path() / "ca.pem");
  const auto cert = read_certificate(t.path() / "node1.pem");
  EVP_PKEY* ca_key = X509_get0_pubkey(ca.get());
  CHECK(X509_verify(cert.get(), ca_key) == 1);
  CHECK(X509_check_issued(ca.get(), cert.get()) == X509_V_OK);
  CHECK(X509_check_ca(ca.get()) == 1);
  CHECK(X509_check_ca(cert.get()) == 0);
  CHECK(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_SERVER, 0) == 1);
  CHECK(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_CLIENT, 0) == 1);
  CHECK(X509_check_host(cert.get(), "node1", 0, 0, nullptr) == 1);
  CHECK(X509_get_signature_nid(cert.get()) == NID_ecdsa_with_SHA256);
  CHECK(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())) == 256);
  CHECK(X509_get_version(cert.get()) == X509_VERSION_3);
  // The node certificate ends no later than its CA.
  CHECK(ASN1_TIME_compare(X509_get0_notAfter(cert.get()), X509_get0_notAfter(ca.get())) <= 0);
}

TEST_CASE("two certificates of one CA have different serial numbers", "[certs]") {
  TempDir t("eligo_certs");
  init_certificate_authority(t.path());
  issue_certificate(t.path(), "a");
  issue_certificate(t.path(), "b");
  const auto a = read_certificate(t.path() / "a.pem");
  const auto b = read_certificate(t.path() / "b.pem");
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())) != 0);
}

TEST_CASE("a certificate of another CA fails verification", "[certs]") {
  TempDir ours("eligo_certs"), theirs("eligo_certs");
  init_certificate_authority(ours.path());
  init_certificate_authority(theirs.path());
  issue_certificate(theirs.path(), "node1");
  for (const char* file : {"node1.pem", "node1.key"}) fs::copy_file(theirs.path() / file, ours.path() / file);
  const std::string e = error_of([&] { tls_files(ours.path(), "node1"); });
  CHECK_THAT(e, Catch::Contains("fails verification") && Catch::Contains("node1.pem") &&
                    Catch::Contains("unable to get local issuer certificate"));
}

TEST_CASE("a key that is not the certificate's is refused", "[certs]") {
  TempDir t("eligo_certs");
  init_certificate_authority(t.path());
  issue_certificate(t.path(), "node1");
  issue_certificate(t.path(), "node2");
  fs::copy_file(t.path() / "node2.key", t.path() / "node1.key", fs::copy_options::overwrite_existing);
  const std::string e = error_of([&] { tls_files(t.path(), "node1"); });
  CHECK_THAT(e, Catch::Contains("node1.key") && Catch::Contains("does not match"));
}

TEST_CASE("another node's certificate and key under this node's name are refused", "[certs]") {
  TempDir t("eligo_certs");
  init_certificate_authority(t.path());
  issue_certificate(t.path(), "node1");
  issue_certificate(t.path(), "node2");
  for (const char* ext : {".pem", ".key"}) {
    fs::copy_file(t.path() / ("node2" + std::string(ext)), t.path() / ("node1" + std::string(ext)),
                  fs::copy_options::overwrite_existing);
  }
  CHECK_THAT(error_of([&] { tls_files(t.path(), "node1"); }), Catch::Contains("is not node1's certificate"));
}

TEST_CASE("existing files are never overwritten", "[certs]") {
  TempDir t("eligo_certs");
  init_certificate_authority(t.path());
  CHECK_THAT(error_of([&] { init_certificate_authority(t.path()); }),
             Catch::Contains("ca.pem") && Catch::Contains("refusing to overwrite"));
  issue_certificate(t.path(), "node1");
  CHECK_THAT(error_of([&] { issue_certificate(t.path(), "node1"); }),
             Catch::Contains("node1.pem") && Catch::Contains("refusing to overwrite"));
  // A key alone is in the way too, and the refusal comes before anything is written.
  t.write("node2.key", "not a key");
  CHECK_THAT(error_of([&] { issue_certificate(t.path(), "node2"); }), Catch::Contains("node2.key"));
  CHECK_FALSE(fs::exists(t.path() / "node2.pem"));
  CHECK_THAT(error_of([&] { check_issuable(t.path(), "node1"); }), Catch::Contains("node1.pem"));
  CHECK_NOTHROW(check_issuable(t.path(), "node3"));
  CHECK_NOTHROW(tls_files(t.path(), "node1"));
}

TEST_CASE("bad node names are refused", "[certs]") {
  TempDir t("eligo_certs");
  init_certificate_authority(t.path());
  const std::vector<std::string> bad{"",       "a/b",       "../x", ".hidden",           "-flag",
                                     "node 1", "n\xc3\xa9", "a*",   std::string(65, 'a')};
  for (const std::string& name : bad) {
    INFO(name);
    CHECK_THAT(error_of([&] { issue_certificate(t.path(), name); }), Catch::Contains("invalid node name"));
    CHECK_THAT(error_of([&] { tls_files(t.path(), name); }), Catch::Contains("invalid node name"));
  }
  CHECK_NOTHROW(issue_certificate(t.path(), std::string(64, 'a')));
  CHECK_NOTHROW(issue_certificate(t.path(), "7"));
}

TEST_CASE("bad validities are refused", "[certs]") {
  TempDir t("eligo_certs");
  CHECK_THAT(error_of([&] { init_certificate_authority(t.path(), 0); }), Catch::Contains("invalid validity"));
  CHECK_FALSE(fs::exists(t.path() / "ca.pem"));
  init_certificate_authority(t.path(), 1);
  CHECK_THAT(error_of([&] { issue_certificate(t.path(), "node1", -5); }), Catch::Contains("invalid validity"));
}

TEST_CASE("missing files are named with the command that makes them", "[certs]") {
  TempDir t("eligo_certs");
  CHECK_THAT(error_of([&] { tls_files(t.path(), "node1"); }),
             Catch::Contains("ca.pem is missing") && Catch::Contains("eligo certs init --dir"));
  CHECK_THAT(error_of([&] { issue_certificate(t.path(), "node1"); }),
             Catch::Contains("ca.pem is missing") && Catch::Contains("eligo certs init --dir"));
  init_certificate_authority(t.path());
  CHECK_THAT(error_of([&] { tls_files(t.path(), "node1"); }),
             Catch::Contains("node1.pem is missing") && Catch::Contains("eligo certs issue node1 --dir"));
  issue_certificate(t.path(), "node1");
  fs::remove(t.path() / "node1.key");
  CHECK_THAT(error_of([&] { tls_files(t.path(), "node1"); }),
             Catch::Contains("node1.key is missing") && Catch::Contains("after removing"));
  fs::remove(t.path() / "ca.key");
  CHECK_THAT(error_of([&] { issue_certificate(t.path(), "node2"); }), Catch::Contains("ca.key is missing"));
}

TEST_CASE("files that are not PEM are named", "[certs]") {
  TempDir t("eligo_certs");
  init_certificate_authority(t.path());
  issue_certificate(t.path(), "node1");
  fs::remove(t.path() / "node1.pem");
  t.write("node1.pem", "garbage\n");
  CHECK_THAT(error_of([&] { tls_files(t.path(), "node1"); }), Catch::Contains("node1.pem holds no PEM certificate"));
}

TEST_CASE("private keys are readable by their owner only", "[certs]") {
  TempDir t("eligo_certs");
  init_certificate_authority(t.path());
  const TlsFiles f = issue_certificate(t.path(), "node1");
  const fs::perms owner_rw = fs::perms::owner_read | fs::perms::owner_write;
  CHECK(fs::status(f.key_file).permissions() == owner_rw);
  CHECK(fs::status(t.path() / "ca.key").permissions() == owner_rw);
  CHECK((fs::status(f.cert_file).permissions() & fs::perms::others_read) != fs::perms::none);
}
