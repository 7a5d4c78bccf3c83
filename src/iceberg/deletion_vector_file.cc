#include "iceberg/deletion_vector_file.h"

#include <set>

#include "format/puffin/file_writer.h"

namespace floe::iceberg {

Result<std::vector<DataFile>> WriteDeletionVectorFile(
    io::FileIO& io, const std::string& location, std::span<const DeletionVectorTarget> targets) {
  std::set<std::string> seen;
  for (const DeletionVectorTarget& target : targets) {
    if (target.vector == nullptr || target.vector->empty()) {
      return InvalidArgument("deletion vector for {}: no positions", target.data_file_path);
    }
    if (!seen.insert(target.data_file_path).second) {
      return InvalidArgument("two deletion vectors for {} in one file: merge them first",
                             target.data_file_path);
    }
  }
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<io::OutputStream> stream, io.NewOutputFile(location));
  auto write = [&]() -> Result<std::vector<DataFile>> {
    FLOE_ASSIGN_OR_RAISE(auto writer, puffin::FileWriter::Make(stream.get()));
    std::vector<DataFile> files;
    for (const DeletionVectorTarget& target : targets) {
      puffin::BlobMetadata description;
      description.type = std::string(kDeletionVectorBlobType);
      description.fields = {kDeletionVectorPositionFieldId};
      description.snapshot_id = -1;  // inherited: not known until the commit
      description.sequence_number = -1;
      description.properties = {{"referenced-data-file", target.data_file_path},
                                {"cardinality", std::to_string(target.vector->cardinality())}};
      FLOE_ASSIGN_OR_RAISE(puffin::BlobMetadata blob,
                           writer->AddBlob(std::move(description), target.vector->Serialize()));
      DataFile file;
      file.content = DataFileContent::kPositionDeletes;
      file.file_path = location;
      file.file_format = FileFormat::kPuffin;
      file.partition = target.partition;
      file.record_count = target.vector->cardinality();
      file.referenced_data_file = target.data_file_path;
      file.content_offset = blob.offset;
      file.content_size_in_bytes = blob.length;
      files.push_back(std::move(file));
    }
    FLOE_RETURN_IF_ERROR(writer->Finish({{"created-by", "floe"}}));
    FLOE_RETURN_IF_ERROR(stream->Close());
    for (DataFile& file : files) file.file_size_in_bytes = writer->size_bytes();
    return files;
  };
  auto files = write();
  if (!files.ok()) {
    // The stream's Abort leaves nothing behind; its own failure would hide the first one.
    (void)stream->Abort();
    return files.status().WithContext("writing deletion vectors to " + location);
  }
  return files;
}

Result<DeletionVector> ReadDeletionVector(io::FileIO& io, const DataFile& entry) {
  if (!entry.content_offset || !entry.content_size_in_bytes || !entry.referenced_data_file) {
    return Corrupt(
        "deletion vector {}: the entry lacks referenced_data_file, content_offset or "
        "content_size_in_bytes",
        entry.file_path);
  }
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<io::InputFile> file, io.NewInputFile(entry.file_path));
  std::string blob(static_cast<size_t>(*entry.content_size_in_bytes), '\0');
  FLOE_RETURN_IF_ERROR_CTX(file->ReadAt(*entry.content_offset, blob.size(), blob.data()),
                           "deletion vector " + entry.file_path);
  auto vector = DeletionVector::Parse(blob);
  if (!vector.ok()) {
    return vector.status().WithContext(fmt::format("deletion vector at {}+{} of {}",
                                                   *entry.content_offset,
                                                   *entry.content_size_in_bytes, entry.file_path));
  }
  if (vector->cardinality() != entry.record_count) {
    return Corrupt("deletion vector at {}+{} of {}: {} positions, the manifest says {}",
                   *entry.content_offset, *entry.content_size_in_bytes, entry.file_path,
                   vector->cardinality(), entry.record_count);
  }
  return vector;
}

}  // namespace floe::iceberg
