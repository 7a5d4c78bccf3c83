#pragma once

// The dashboard's page (src/http/assets/dashboard.html), compiled into the binary by CMake
// (cmake/embed_asset.cmake writes the generated definition).

#include <string_view>

namespace floe::http {

/// The whole page: HTML with its styles and script inline.
std::string_view DashboardHtml();

}  // namespace floe::http
