#include "format/puffin/footer_json.h"

#include <nlohmann/json.hpp>

namespace floe::puffin {

namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

ojson BlobToJson(const BlobMetadata& blob) {
  ojson out;
  out["type"] = blob.type;
  out["fields"] = blob.fields;
  out["snapshot-id"] = blob.snapshot_id;
  out["sequence-number"] = blob.sequence_number;
  out["offset"] = blob.offset;
  out["length"] = blob.length;
  if (blob.compression_codec) out["compression-codec"] = *blob.compression_codec;
  if (!blob.properties.empty()) out["properties"] = blob.properties;
  return out;
}

Result<int64_t> GetLong(const json& object, const char* key, const std::string& path) {
  auto it = object.find(key);
  if (it == object.end()) return Corrupt("puffin footer: {}.{}: missing", path, key);
  if (!it->is_number_integer()) {
    return Corrupt("puffin footer: {}.{}: expected an integer", path, key);
  }
  return it->get<int64_t>();
}

Result<std::map<std::string, std::string>> GetProperties(const json& object,
                                                         const std::string& path) {
  std::map<std::string, std::string> out;
  auto it = object.find("properties");
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_object()) return Corrupt("puffin footer: {}.properties: expected an object", path);
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) {
      return Corrupt("puffin footer: {}.properties.{}: expected a string", path, key);
    }
    out[key] = value.get<std::string>();
  }
  return out;
}

Result<BlobMetadata> BlobFromJson(const json& object, const std::string& path) {
  if (!object.is_object()) return Corrupt("puffin footer: {}: expected an object", path);
  BlobMetadata blob;
  auto type = object.find("type");
  if (type == object.end() || !type->is_string()) {
    return Corrupt("puffin footer: {}.type: expected a string", path);
  }
  blob.type = type->get<std::string>();
  auto fields = object.find("fields");
  if (fields == object.end() || !fields->is_array()) {
    return Corrupt("puffin footer: {}.fields: expected an array of field ids", path);
  }
  for (const auto& field : *fields) {
    if (!field.is_number_integer()) {
      return Corrupt("puffin footer: {}.fields: expected integer field ids", path);
    }
    blob.fields.push_back(field.get<int32_t>());
  }
  FLOE_ASSIGN_OR_RAISE(blob.snapshot_id, GetLong(object, "snapshot-id", path));
  FLOE_ASSIGN_OR_RAISE(blob.sequence_number, GetLong(object, "sequence-number", path));
  FLOE_ASSIGN_OR_RAISE(blob.offset, GetLong(object, "offset", path));
  FLOE_ASSIGN_OR_RAISE(blob.length, GetLong(object, "length", path));
  if (blob.offset < 0 || blob.length < 0) {
    return Corrupt("puffin footer: {}: negative offset {} or length {}", path, blob.offset,
                   blob.length);
  }
  auto codec = object.find("compression-codec");
  if (codec != object.end() && !codec->is_null()) {
    if (!codec->is_string()) {
      return Corrupt("puffin footer: {}.compression-codec: expected a string", path);
    }
    blob.compression_codec = codec->get<std::string>();
  }
  FLOE_ASSIGN_OR_RAISE(blob.properties, GetProperties(object, path));
  return blob;
}

}  // namespace

std::string FileMetadataToJson(const FileMetadata& metadata) {
  ojson out;
  ojson blobs = ojson::array();
  for (const BlobMetadata& blob : metadata.blobs) blobs.push_back(BlobToJson(blob));
  out["blobs"] = std::move(blobs);
  if (!metadata.properties.empty()) out["properties"] = metadata.properties;
  return out.dump();
}

Result<FileMetadata> FileMetadataFromJson(std::string_view text) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Corrupt("puffin footer: not valid JSON");
  if (!root.is_object()) return Corrupt("puffin footer: expected a JSON object");
  FileMetadata metadata;
  auto blobs = root.find("blobs");
  if (blobs == root.end() || !blobs->is_array()) {
    return Corrupt("puffin footer: blobs: expected an array");
  }
  for (size_t i = 0; i < blobs->size(); ++i) {
    FLOE_ASSIGN_OR_RAISE(BlobMetadata blob,
                         BlobFromJson((*blobs)[i], "blobs[" + std::to_string(i) + "]"));
    metadata.blobs.push_back(std::move(blob));
  }
  FLOE_ASSIGN_OR_RAISE(metadata.properties, GetProperties(root, "$"));
  return metadata;
}

}  // namespace floe::puffin
