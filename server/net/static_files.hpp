#pragma once
// The web client's files (docs/protocol.md, HTTP endpoints). A request path is served only when it resolves,
// symlinks and all, to a regular file inside the web root; every other path is refused before a byte is read,
// and the web root may not hold what the server keeps secret.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "net/options.hpp"

namespace dais::net {

// Decodes the path of a request target (without its query) into a path relative to the web root: "" for "/",
// "assets/app.js" for "/assets/app.js"; one trailing '/' is kept ("j/" for "/j/"). Refused, with the reason
// (`invalid`): a target longer than `max_bytes`, one not starting with '/', empty segments ("//"), "." and
// ".." segments however they are encoded, bad or truncated escapes, an encoded '/' or '%' (a path encoded
// twice), backslashes, NUL and other control characters, and bytes that are not UTF-8 (overlong forms
// included).
core::Result<std::string> web_path(std::string_view target, std::size_t max_bytes);

// The compressed copies a client takes, from its Accept-Encoding header (RFC 9110 §12.5.3): a coding named
// with a q above 0, or covered by "*" with one; "q=0" refuses it. The build writes the copies (.br, .gz)
// beside each text asset (client-web/scripts/compress-dist.mjs).
struct AcceptedEncodings {
  bool br = false;
  bool gzip = false;
};
AcceptedEncodings accepted_encodings(std::string_view accept_encoding);

// A file of the web root, ready to be served.
struct WebFile {
  std::string body;
  std::string_view type;      // its Content-Type: the file's own, whatever the encoding
  std::string_view encoding;  // its Content-Encoding: "br", "gzip", or empty for the file as it is
};

// Reads `relative` (a web_path) under `root`. Nothing unless the canonical path of the file lies inside the
// canonical root (a symlink counts only as far as it stays inside), no part of it inside the root is hidden
// (".git", ".env"), and it is a regular file. Only then, and only for an encoding in `accepted`, the file's
// precompressed copy ("app.js.br", "app.js.gz") is sent instead when it passes the same checks.
std::optional<WebFile> read_web_file(const std::filesystem::path& root, std::string_view relative,
                                     AcceptedEncodings accepted = {});

std::string_view mime_type(std::string_view path);

// Why `options.web` must not be served, when it holds a secret of the server's own: the database, its tokens
// file, the TLS key. Checked at startup, so that no request path can reach them whatever the path rules are.
std::optional<std::string> web_root_exposes_secret(const ServerOptions& options);

}  // namespace dais::net
