#include "cli/storage_commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <vector>

#include "cli/command.h"
#include "cli/table_commands.h"
#include "io/file_io.h"
#include "io/s3_file_io.h"

namespace floe::cli {

namespace {

/// Bytes moved per read: large enough for few requests, small enough to keep memory flat.
constexpr size_t kCopyChunkBytes = size_t{8} << 20;

/// "base" + "/" + "child", with one slash.
std::string Join(const std::string& base, const std::string& child) {
  if (base.ends_with('/')) return base + child;
  return fmt::format("{}/{}", base, child);
}

Status CopyFile(io::FileIO& from, const std::string& source, io::FileIO& to,
                const std::string& destination, std::vector<char>& buffer, int64_t& bytes) {
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<io::InputFile> input, from.NewInputFile(source));
  FLOE_ASSIGN_OR_RAISE(int64_t size, input->Size());
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<io::OutputStream> output, to.NewOutputFile(destination));
  for (int64_t offset = 0; offset < size;) {
    size_t n = static_cast<size_t>(std::min<int64_t>(size - offset, buffer.size()));
    Status status = input->ReadAt(offset, n, buffer.data());
    if (status.ok()) status = output->Write(buffer.data(), n);
    if (!status.ok()) {
      static_cast<void>(output->Abort());
      return status.WithContext(fmt::format("copying {} to {}", source, destination));
    }
    offset += static_cast<int64_t>(n);
  }
  FLOE_RETURN_IF_ERROR_CTX(output->Close(), fmt::format("copying {} to {}", source, destination));
  bytes += size;
  return Status::Ok();
}

/// "(S3: N requests, M retried)" for the FileIOs that are on S3, else "".
std::string S3Summary(const std::vector<io::FileIO*>& ios) {
  int64_t requests = 0;
  int64_t retries = 0;
  bool any = false;
  for (io::FileIO* io : ios) {
    if (const auto* s3 = dynamic_cast<const io::S3FileIO*>(io)) {
      requests += s3->client().stats().requests;
      retries += s3->client().stats().retries;
      any = true;
    }
  }
  return any ? fmt::format(" (S3: {} requests, {} retries)", requests, retries) : std::string();
}

}  // namespace

Status ListStorage(const std::string& prefix, const std::map<std::string, std::string>& properties,
                   std::ostream& out) {
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> io, io::MakeFileIO(prefix, properties));
  FLOE_ASSIGN_OR_RAISE(std::vector<io::FileInfo> files, io->ListFiles(prefix));
  for (const io::FileInfo& file : files) out << file.size_bytes << ' ' << file.location << '\n';
  return Status::Ok();
}

Status CopyStorage(const StorageCopyOptions& options, std::ostream& out) {
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> from,
                       io::MakeFileIO(options.source, options.properties));
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> to,
                       io::MakeFileIO(options.destination, options.properties));
  std::vector<char> buffer(kCopyChunkBytes);
  int64_t bytes = 0;
  size_t files = 0;
  if (!options.recursive) {
    FLOE_RETURN_IF_ERROR(CopyFile(*from, options.source, *to, options.destination, buffer, bytes));
    files = 1;
  } else {
    std::string prefix = options.source;
    if (!prefix.ends_with('/')) prefix.push_back('/');
    FLOE_ASSIGN_OR_RAISE(std::vector<io::FileInfo> listed, from->ListFiles(options.source));
    for (const io::FileInfo& file : listed) {
      if (!file.location.starts_with(prefix)) {
        return Internal("listing {} returned {}, which is not below it", options.source,
                        file.location);
      }
      std::string relative = file.location.substr(prefix.size());
      FLOE_RETURN_IF_ERROR(
          CopyFile(*from, file.location, *to, Join(options.destination, relative), buffer, bytes));
      ++files;
    }
  }
  out << "copied " << files << " file" << (files == 1 ? "" : "s") << ", " << bytes << " bytes"
      << S3Summary({from.get(), to.get()}) << '\n';
  return Status::Ok();
}

namespace {

/// The arguments of `floe storage ...`, owned by the callbacks that read them.
struct StorageArgs {
  std::vector<std::string> properties;
  std::string prefix;
  StorageCopyOptions copy;
};

/// Runs a storage command with the --property settings; returns the exit code, printing the
/// error if any.
template <typename Fn>
int RunWithProperties(const std::vector<std::string>& property_args, Fn&& command) {
  auto properties = ParseProperties(property_args);
  Status status = properties.ok() ? command(*properties) : properties.status();
  return status.ok() ? kExitOk : PrintError(std::cerr, status);
}

}  // namespace

void RegisterStorageCommands(CLI::App& app, CommandContext& context) {
  auto args = std::make_shared<StorageArgs>();
  CLI::App* storage_cmd = app.add_subcommand("storage", "List and copy files (local or s3://)");
  storage_cmd->require_subcommand(1);
  AddRepeatedOption(*storage_cmd, "--property", args->properties,
                    "Storage setting key=value (repeatable), e.g. s3.endpoint=http://host:9000; "
                    "unset ones come from S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY or AWS_*");
  CLI::App* ls = storage_cmd->add_subcommand("ls", "List the files below a location");
  ls->add_option("LOCATION", args->prefix, "e.g. s3://bucket/warehouse")->required();
  CLI::App* cp = storage_cmd->add_subcommand("cp", "Copy a file, or a prefix (-r)");
  cp->add_option("SOURCE", args->copy.source, "File or (with -r) prefix")->required();
  cp->add_option("DESTINATION", args->copy.destination, "File or (with -r) prefix")->required();
  cp->add_flag("-r,--recursive", args->copy.recursive,
               "Copy every file below SOURCE to the same relative path below DESTINATION");
  ls->callback([&context, args] {
    context.exit_code = RunWithProperties(
        args->properties, [&](const std::map<std::string, std::string>& properties) {
          return ListStorage(args->prefix, properties, std::cout);
        });
  });
  cp->callback([&context, args] {
    context.exit_code = RunWithProperties(
        args->properties, [&](const std::map<std::string, std::string>& properties) {
          args->copy.properties = properties;
          return CopyStorage(args->copy, std::cerr);
        });
  });
}

}  // namespace floe::cli
