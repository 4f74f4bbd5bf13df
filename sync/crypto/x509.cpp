// OpenSSL implementations of x509.h.
#include "x509.h"

#include "crypto.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <memory>

namespace kiosk::crypto {
namespace {

template <auto F>
struct Deleter {
    template <class T>
    void operator()(T* p) const { F(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;

BioPtr memBio(std::string_view s) { return BioPtr(BIO_new_mem_buf(s.data(), int(s.size()))); }

std::string bioText(BIO* b) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return std::string(data, std::size_t(n));
}

Result<PkeyPtr> readKey(std::string_view pem, const char* what) {
    auto bio = memBio(pem);
    PkeyPtr k(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!k) return fail(ErrorCode::Parse, fmt::format("{} is not a private key in PEM", what));
    return k;
}

Result<X509Ptr> readCert(std::string_view pem, const char* what) {
    auto bio = memBio(pem);
    X509Ptr c(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!c) return fail(ErrorCode::Parse, fmt::format("{} is not a certificate in PEM", what));
    return c;
}

std::string certPem(X509* c) {
    BioPtr out(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(out.get(), c);
    return bioText(out.get());
}

void setName(X509_NAME* name, std::string_view cn) {
    const std::string s(cn);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Kiosk fleet"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(s.c_str()), -1, -1, 0);
}

bool addExt(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

// A certificate with subject/issuer/validity/serial and `pub` as its key, not yet signed.
X509Ptr blankCert(EVP_PKEY* pub, std::string_view cn, X509_NAME* issuerName, std::uint64_t serial, Validity v) {
    X509Ptr c(X509_new());
    X509_set_version(c.get(), 2);
    BIGNUM* bn = BN_new();
    BN_set_word(bn, serial);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c.get()));
    BN_free(bn);
    ASN1_TIME_set(X509_getm_notBefore(c.get()), time_t(v.notBefore));
    ASN1_TIME_set(X509_getm_notAfter(c.get()), time_t(v.notAfter));
    X509_set_pubkey(c.get(), pub);
    setName(X509_get_subject_name(c.get()), cn);
    X509_set_issuer_name(c.get(), issuerName ? issuerName : X509_get_subject_name(c.get()));
    return c;
}

std::uint64_t randomSerial() {
    const std::string t = randomToken(8);
    std::uint64_t s = 0;
    for (char ch : t) s = s * 131 + static_cast<unsigned char>(ch);
    return s >> 1;  // positive
}

std::string pinOf(EVP_PKEY* k) {
    unsigned char* der = nullptr;
    const int n = i2d_PUBKEY(k, &der);
    const std::string bytes(reinterpret_cast<const char*>(der), std::size_t(n));
    OPENSSL_free(der);
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
    return "sha256//" + base64(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::int64_t asEpoch(const ASN1_TIME* t) {
    std::tm tm{};
    ASN1_TIME_to_tm(t, &tm);
    return std::int64_t(timegm(&tm));
}

std::string nameCn(X509_NAME* name) {
    char buf[256] = {};
    X509_NAME_get_text_by_NID(name, NID_commonName, buf, sizeof buf);
    return buf;
}

}  // namespace

Result<std::string> generateEcKey() {
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) return fail(ErrorCode::Internal, "EC key generation failed");
    BioPtr out(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
        return fail(ErrorCode::Internal, "cannot encode the EC key");
    return bioText(out.get());
}

Result<std::string> makeCaCert(std::string_view caKeyPem, std::string_view commonName, Validity v) {
    auto key = readKey(caKeyPem, "the CA key");
    if (!key) return std::unexpected(key.error());
    X509Ptr c = blankCert(key->get(), commonName, nullptr, randomSerial(), v);
    if (!addExt(c.get(), c.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
        !addExt(c.get(), c.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
        !addExt(c.get(), c.get(), NID_subject_key_identifier, "hash"))
        return fail(ErrorCode::Internal, "cannot add CA extensions");
    if (X509_sign(c.get(), key->get(), EVP_sha256()) == 0) return fail(ErrorCode::Internal, "cannot sign the CA certificate");
    return certPem(c.get());
}

Result<std::string> issueServerCert(std::string_view caCertPem, std::string_view caKeyPem, std::string_view serverKeyPem,
                                    std::string_view commonName, const std::vector<std::string>& hosts, Validity v) {
    auto ca = readCert(caCertPem, "the CA certificate");
    auto caKey = readKey(caKeyPem, "the CA key");
    auto key = readKey(serverKeyPem, "the server key");
    if (!ca) return std::unexpected(ca.error());
    if (!caKey) return std::unexpected(caKey.error());
    if (!key) return std::unexpected(key.error());
    X509Ptr c = blankCert(key->get(), commonName, X509_get_subject_name(ca->get()), randomSerial(), v);
    std::string san;
    for (const auto& h : hosts) {
        unsigned char buf[16];
        const bool ip = inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
        san += (san.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + h;
    }
    if (!addExt(c.get(), ca->get(), NID_basic_constraints, "critical,CA:FALSE") ||
        !addExt(c.get(), ca->get(), NID_key_usage, "critical,digitalSignature") ||
        !addExt(c.get(), ca->get(), NID_ext_key_usage, "serverAuth") ||
        (!san.empty() && !addExt(c.get(), ca->get(), NID_subject_alt_name, san)))
        return fail(ErrorCode::Internal, "cannot add server certificate extensions");
    if (X509_sign(c.get(), caKey->get(), EVP_sha256()) == 0) return fail(ErrorCode::Internal, "cannot sign the server certificate");
    return certPem(c.get());
}

Result<std::string> makeCsr(std::string_view keyPem, std::string_view commonName) {
    auto key = readKey(keyPem, "the device key");
    if (!key) return std::unexpected(key.error());
    ReqPtr req(X509_REQ_new());
    X509_REQ_set_version(req.get(), 0);
    setName(X509_REQ_get_subject_name(req.get()), commonName);
    X509_REQ_set_pubkey(req.get(), key->get());
    if (X509_REQ_sign(req.get(), key->get(), EVP_sha256()) == 0) return fail(ErrorCode::Internal, "cannot sign the CSR");
    BioPtr out(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_REQ(out.get(), req.get());
    return bioText(out.get());
}

Result<std::string> issueDeviceCert(std::string_view caCertPem, std::string_view caKeyPem, std::string_view csrPem,
                                    std::string_view deviceId, std::uint64_t serial, Validity v) {
    auto ca = readCert(caCertPem, "the CA certificate");
    auto caKey = readKey(caKeyPem, "the CA key");
    if (!ca) return std::unexpected(ca.error());
    if (!caKey) return std::unexpected(caKey.error());
    auto bio = memBio(csrPem);
    ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    if (!req) return fail(ErrorCode::Parse, "the certificate signing request is not a CSR in PEM");
    PkeyPtr pub(X509_REQ_get_pubkey(req.get()));
    if (!pub || X509_REQ_verify(req.get(), pub.get()) != 1)
        return fail(ErrorCode::InvalidArgument, "the certificate signing request's signature does not verify");
    X509Ptr c = blankCert(pub.get(), deviceId, X509_get_subject_name(ca->get()), serial, v);
    if (!addExt(c.get(), ca->get(), NID_basic_constraints, "critical,CA:FALSE") ||
        !addExt(c.get(), ca->get(), NID_key_usage, "critical,digitalSignature") ||
        !addExt(c.get(), ca->get(), NID_ext_key_usage, "clientAuth"))
        return fail(ErrorCode::Internal, "cannot add device certificate extensions");
    if (X509_sign(c.get(), caKey->get(), EVP_sha256()) == 0) return fail(ErrorCode::Internal, "cannot sign the device certificate");
    return certPem(c.get());
}

Result<CertInfo> inspectCert(std::string_view pem) {
    auto c = readCert(pem, "the certificate");
    if (!c) return std::unexpected(c.error());
    CertInfo info;
    info.commonName = nameCn(X509_get_subject_name(c->get()));
    info.issuerName = nameCn(X509_get_issuer_name(c->get()));
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(c->get()), nullptr);
    char* hexSerial = BN_bn2hex(bn);
    info.serialHex = hexSerial;
    OPENSSL_free(hexSerial);
    BN_free(bn);
    info.validity = {asEpoch(X509_get0_notBefore(c->get())), asEpoch(X509_get0_notAfter(c->get()))};
    info.pin = pinOf(X509_get0_pubkey(c->get()));
    return info;
}

Result<std::string> pinOfKey(std::string_view keyPem) {
    auto key = readKey(keyPem, "the key");
    if (!key) return std::unexpected(key.error());
    return pinOf(key->get());
}

Result<bool> signedBy(std::string_view certPem, std::string_view caCertPem) {
    auto c = readCert(certPem, "the certificate");
    auto ca = readCert(caCertPem, "the CA certificate");
    if (!c) return std::unexpected(c.error());
    if (!ca) return std::unexpected(ca.error());
    return X509_verify(c->get(), X509_get0_pubkey(ca->get())) == 1;
}

}  // namespace kiosk::crypto
