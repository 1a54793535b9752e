#include "actors/cluster/certificates.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace eligo::cluster {
namespace {

namespace fs = std::filesystem;

// Every OpenSSL object is owned by a unique_ptr, so no error path leaks one.
template <auto Free>
struct Freer {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
template <class T, auto Free>
using Owned = std::unique_ptr<T, Freer<Free>>;
using Key = Owned<EVP_PKEY, EVP_PKEY_free>;
using Certificate = Owned<X509, X509_free>;
using Bio = Owned<BIO, BIO_free_all>;
using Extension = Owned<X509_EXTENSION, X509_EXTENSION_free>;
using BigNumber = Owned<BIGNUM, BN_free>;
using Store = Owned<X509_STORE, X509_STORE_free>;
using StoreContext = Owned<X509_STORE_CTX, X509_STORE_CTX_free>;

constexpr std::size_t kMaxNameLength = 64;
constexpr const char* kCaCertName = "ca.pem";
constexpr const char* kCaKeyName = "ca.key";

// OpenSSL's reasons for the last failure, taken off this thread's error queue.
std::string openssl_reason() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out.empty() ? "no reason given by OpenSSL" : out;
}

[[noreturn]] void fail_openssl(const std::string& what) { throw CertificateError(what + ": " + openssl_reason()); }
[[noreturn]] void fail_errno(const std::string& what) { throw CertificateError(what + ": " + std::strerror(errno)); }

void check_name(const std::string& name) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  };
  // A leading '.' would hide the files and is no DNS label (OpenSSL's host check reads it as "any subdomain").
  const bool ok = !name.empty() && name.size() <= kMaxNameLength && name.front() != '.' && name.front() != '-' &&
                  std::all_of(name.begin(), name.end(), allowed);
  if (!ok) {
    throw CertificateError("invalid node name '" + name + "': use 1 to " + std::to_string(kMaxNameLength) +
                           " letters, digits, '-', '_' or '.', starting with a letter or digit");
  }
}

void check_days(int days) {
  if (days < 1 || days > kMaxValidDays) {
    throw CertificateError("invalid validity of " + std::to_string(days) + " days: expected 1 to " +
                           std::to_string(kMaxValidDays));
  }
}

bool present(const fs::path& p) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(p, ec));  // a dangling link counts: writing would go through it
}

void refuse_existing(const fs::path& p) {
  if (present(p)) throw CertificateError(p.string() + " already exists; refusing to overwrite it");
}

// Writes bytes to a new file at path with the given mode, all or nothing, never replacing a file. The
// bytes go to a temporary file that mkstemp creates with mode 0600 (so a key is never readable by
// others, not even for a moment) and that is then hard-linked to path: link() fails if path exists,
// where rename() would replace it.
void write_new_file(const fs::path& path, std::string_view bytes, mode_t mode) {
  std::string tmp = (path.parent_path() / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) fail_errno("cannot create a temporary file next to " + path.string());
  struct RemovedOnExit {
    const std::string& path;
    ~RemovedOnExit() { ::unlink(path.c_str()); }
  } const tmp_guard{tmp};
  std::FILE* f = ::fdopen(fd, "wb");
  if (f == nullptr) {
    ::close(fd);
    fail_errno("cannot open " + tmp);
  }
  const bool written = ::fchmod(fd, mode) == 0 && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size() &&
                       std::fflush(f) == 0 && ::fsync(fd) == 0;
  const int write_errno = errno;
  if (std::fclose(f) != 0 || !written) {
    if (!written) errno = write_errno;
    fail_errno("cannot write " + path.string() + " (through " + tmp + ")");
  }
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) throw CertificateError(path.string() + " already exists; refusing to overwrite it");
    fail_errno("cannot create " + path.string());
  }
}

// Writes a private key and then its certificate; if the certificate cannot be written, the key goes too,
// so that a second try does not find half a pair in the way.
void write_pair(const fs::path& key_file, const std::string& key_pem, const fs::path& cert_file,
                const std::string& cert_pem) {
  write_new_file(key_file, key_pem, 0600);
  try {
    write_new_file(cert_file, cert_pem, 0644);
  } catch (...) {
    std::error_code ec;
    fs::remove(key_file, ec);
    throw;
  }
}

std::string pem_of(const char* what, const std::function<int(BIO*)>& write) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) fail_openssl(std::string("cannot encode the ") + what + " as PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string key_pem(EVP_PKEY* key) {
  return pem_of("private key",
                [key](BIO* b) { return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
}

std::string certificate_pem(X509* cert) {
  return pem_of("certificate", [cert](BIO* b) { return PEM_write_bio_X509(b, cert); });
}

Key read_private_key(const fs::path& p) {
  Bio bio(BIO_new_file(p.c_str(), "r"));
  if (!bio) fail_openssl("cannot open " + p.string());
  // No passphrase: OpenSSL would otherwise prompt on the terminal for an encrypted key.
  const auto no_passphrase = [](char*, int, int, void*) { return 0; };
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) fail_openssl(p.string() + " holds no unencrypted PEM private key");
  return key;
}

Certificate read_certificate(const fs::path& p) {
  Bio bio(BIO_new_file(p.c_str(), "r"));
  if (!bio) fail_openssl("cannot open " + p.string());
  Certificate cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) fail_openssl(p.string() + " holds no PEM certificate");
  return cert;
}

Key new_key() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) fail_openssl("cannot generate an EC P-256 key");
  return key;
}

// RFC 5280 §4.1.2.2: unique per CA, positive, at most 20 octets; 128 random bits make a repeat unlikely
// without a serial file to keep.
void set_random_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) fail_openssl("cannot draw a random serial number");
  BigNumber bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    fail_openssl("cannot set the serial number");
  }
}

struct CertificateSpec {
  std::string common_name;
  int valid_days = 0;
  std::vector<std::pair<int, std::string>> extensions;  // NID, value in openssl.cnf syntax
};

// A certificate of subject_key signed by issuer_key; issuer null: self-signed (the CA).
Certificate signed_certificate(const CertificateSpec& spec, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key) {
  Certificate cert(X509_new());
  if (!cert) fail_openssl("cannot create a certificate");
  X509* c = cert.get();
  X509_NAME* subject = X509_get_subject_name(c);
  const auto* cn = reinterpret_cast<const unsigned char*>(spec.common_name.c_str());
  if (X509_set_version(c, X509_VERSION_3) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("eligo"), -1, -1,
                                 0) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1 ||
      X509_set_issuer_name(c, issuer != nullptr ? X509_get_subject_name(issuer) : subject) != 1 ||
      X509_set_pubkey(c, subject_key) != 1) {
    fail_openssl("cannot fill in the certificate of " + spec.common_name);
  }
  set_random_serial(c);
  // An hour back: a peer whose clock runs a little behind the issuer's accepts the certificate at once.
  if (X509_gmtime_adj(X509_getm_notBefore(c), -3600) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(c), spec.valid_days, 0, nullptr) == nullptr) {
    fail_openssl("cannot set the validity of " + spec.common_name);
  }
  // Verification fails once the CA has expired, so a longer validity would only mislead.
  if (issuer != nullptr && ASN1_TIME_compare(X509_get0_notAfter(c), X509_get0_notAfter(issuer)) > 0 &&
      X509_set1_notAfter(c, X509_get0_notAfter(issuer)) != 1) {
    fail_openssl("cannot set the validity of " + spec.common_name);
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : c, c, nullptr, nullptr, 0);
  for (const auto& [nid, value] : spec.extensions) {
    Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext || X509_add_ext(c, ext.get(), -1) != 1) {
      fail_openssl("cannot add " + std::string(OBJ_nid2sn(nid)) + " = " + value + " to " + spec.common_name);
    }
  }
  if (X509_sign(c, issuer_key, EVP_sha256()) <= 0) fail_openssl("cannot sign the certificate of " + spec.common_name);
  return cert;
}

void require_file(const fs::path& p, const std::string& remedy) {
  if (!fs::exists(p)) throw CertificateError(p.string() + " is missing: " + remedy);
}

std::string init_command(const fs::path& dir) { return "`eligo certs init --dir " + dir.string() + "`"; }

std::string issue_command(const fs::path& dir, const std::string& name) {
  return "`eligo certs issue " + name + " --dir " + dir.string() + "`";
}

// The chain check a TLS peer makes, once for each role: every node both connects and accepts.
void verify_signed_by_ca(X509* ca, X509* cert, const TlsFiles& f) {
  Store store(X509_STORE_new());
  if (!store || X509_STORE_add_cert(store.get(), ca) != 1) fail_openssl("cannot load " + f.ca_file.string());
  for (const auto& [purpose, role] :
       {std::pair{X509_PURPOSE_SSL_SERVER, "server"}, {X509_PURPOSE_SSL_CLIENT, "client"}}) {
    StoreContext ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr) != 1 ||
        X509_STORE_CTX_set_purpose(ctx.get(), purpose) != 1) {
      fail_openssl("cannot set up the verification of " + f.cert_file.string());
    }
    if (X509_verify_cert(ctx.get()) != 1) {
      const int error = X509_STORE_CTX_get_error(ctx.get());
      ERR_clear_error();
      const bool other_ca = error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
                            error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT || error == X509_V_ERR_CERT_SIGNATURE_FAILURE;
      throw CertificateError(f.cert_file.string() + " fails verification against " + f.ca_file.string() + " as a TLS " +
                             role + " certificate: " + X509_verify_cert_error_string(error) +
                             (other_ca ? " (was it issued by another CA?)" : ""));
    }
  }
}

}  // namespace

void init_certificate_authority(const fs::path& dir, int valid_days) {
  check_days(valid_days);
  const fs::path cert_file = dir / kCaCertName, key_file = dir / kCaKeyName;
  refuse_existing(cert_file);
  refuse_existing(key_file);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw CertificateError("cannot create " + dir.string() + ": " + ec.message());
  ERR_clear_error();
  const Key key = new_key();
  const CertificateSpec spec{"eligo cluster CA",
                             valid_days,
                             {{NID_basic_constraints, "critical,CA:TRUE"},
                              {NID_key_usage, "critical,keyCertSign,cRLSign"},
                              {NID_subject_key_identifier, "hash"}}};
  const Certificate cert = signed_certificate(spec, key.get(), nullptr, key.get());
  write_pair(key_file, key_pem(key.get()), cert_file, certificate_pem(cert.get()));
}

void check_issuable(const fs::path& dir, const std::string& name) {
  check_name(name);
  refuse_existing(dir / (name + ".pem"));
  refuse_existing(dir / (name + ".key"));
}

TlsFiles issue_certificate(const fs::path& dir, const std::string& name, int valid_days) {
  check_days(valid_days);
  check_issuable(dir, name);
  const fs::path ca_file = dir / kCaCertName, ca_key_file = dir / kCaKeyName;
  require_file(ca_file, "create the cluster CA first with " + init_command(dir));
  require_file(ca_key_file, "certificates are issued where the CA's key is (" + init_command(dir) + " made it)");
  ERR_clear_error();
  const Certificate ca = read_certificate(ca_file);
  const Key ca_key = read_private_key(ca_key_file);
  if (X509_check_private_key(ca.get(), ca_key.get()) != 1) {
    ERR_clear_error();
    throw CertificateError(ca_key_file.string() + " is not the key of " + ca_file.string());
  }
  if (X509_cmp_current_time(X509_get0_notAfter(ca.get())) <= 0) {
    throw CertificateError(ca_file.string() + " has expired; create a new CA and issue every certificate again");
  }
  const Key key = new_key();
  const CertificateSpec spec{name,
                             valid_days,
                             {{NID_basic_constraints, "critical,CA:FALSE"},
                              // keyEncipherment means nothing for an EC key but keeps strict RSA-era peers content.
                              {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                              {NID_ext_key_usage, "serverAuth,clientAuth"},
                              {NID_subject_alt_name, "DNS:" + name},
                              {NID_subject_key_identifier, "hash"},
                              {NID_authority_key_identifier, "keyid:always"}}};
  const Certificate cert = signed_certificate(spec, key.get(), ca.get(), ca_key.get());
  const TlsFiles files{ca_file, dir / (name + ".pem"), dir / (name + ".key")};
  write_pair(files.key_file, key_pem(key.get()), files.cert_file, certificate_pem(cert.get()));
  return tls_files(dir, name);  // the new files, checked as a node will check them
}

TlsFiles tls_files(const fs::path& dir, const std::string& name) {
  check_name(name);
  TlsFiles f{dir / kCaCertName, dir / (name + ".pem"), dir / (name + ".key")};
  require_file(f.ca_file, "create the cluster CA with " + init_command(dir) + ", then run " + issue_command(dir, name));
  for (const auto& [file, other] : {std::pair{&f.cert_file, &f.key_file}, {&f.key_file, &f.cert_file}}) {
    const std::string stale = fs::exists(*other) ? " after removing " + other->string() : "";
    require_file(*file, "issue " + name + "'s certificate with " + issue_command(dir, name) + stale);
  }
  ERR_clear_error();
  const Certificate ca = read_certificate(f.ca_file);
  const Certificate cert = read_certificate(f.cert_file);
  const Key key = read_private_key(f.key_file);
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    throw CertificateError(f.key_file.string() + " does not match " + f.cert_file.string() +
                           " (the key is not the certificate's); issue both again with " + issue_command(dir, name) +
                           " after removing them");
  }
  verify_signed_by_ca(ca.get(), cert.get(), f);
  // A pair copied from another node verifies too; peers would see the wrong name.
  if (X509_check_host(cert.get(), name.c_str(), name.size(), 0, nullptr) != 1) {
    ERR_clear_error();
    throw CertificateError(f.cert_file.string() + " is not " + name + "'s certificate: DNS:" + name +
                           " is not among its subject alternative names");
  }
  return f;
}

}  // namespace eligo::cluster
