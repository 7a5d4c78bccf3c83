#include "stream/window/window_state.h"

namespace floe::stream::window {

namespace {

// A node of std::map / std::unordered_map: the value plus about three pointers and a color or
// hash; close enough for a memory figure.
constexpr size_t kNodeOverhead = 4 * sizeof(void*);

}  // namespace

size_t WindowState::open_groups() const {
  size_t groups = 0;
  for (const auto& [bounds, table] : windows) groups += table.size();
  for (const auto& [key, list] : sessions) groups += list.size();
  return groups;
}

size_t WindowState::MemoryBytes() const {
  size_t bytes = heap.MemoryBytes() + session_rows.capacity() +
                 free_session_rows.capacity() * sizeof(uint32_t);
  for (const auto& [bounds, table] : windows) {
    bytes += kNodeOverhead + sizeof(bounds) + sizeof(table) + table.MemoryBytes();
  }
  bytes += sessions.bucket_count() * sizeof(void*);
  for (const auto& [key, list] : sessions) {
    bytes += kNodeOverhead + sizeof(key) + sizeof(list) + list.capacity() * sizeof(SessionWindow);
    if (key.capacity() > sizeof(std::string)) bytes += key.capacity();
  }
  return bytes;
}

void WindowState::Clear() { *this = WindowState(); }

}  // namespace floe::stream::window
