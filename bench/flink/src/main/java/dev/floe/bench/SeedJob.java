package dev.floe.bench;

import java.io.File;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.JsonRowDataDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;
import org.apache.iceberg.types.Types;

/**
 * The seed job (floe's DESIGN.md, "The job that started it") written for Apache Flink 2.x, as
 * the peer of floe's bench/kafka_iceberg_job.yaml: JSON messages from a Kafka topic, event time
 * from `timestamp` with a watermark 10 s behind, the messages whose `message_body` contains "gun"
 * (any case) appended to the Iceberg table raw_messages.filtered_messages (Parquet, zstd) in a
 * Hadoop catalog on local disk. Exactly once: checkpoints every 30 s, EXACTLY_ONCE mode, and
 * Iceberg's sink commits one snapshot per checkpoint.
 *
 * <p>For a benchmark the source is bounded: it reads the topic from the earliest offsets to the
 * ones it finds at start, then the job ends with a final checkpoint that commits the rest. The
 * job runs PASSES times in this JVM (a MiniCluster each time, a fresh consumer group and table
 * each pass); the passes before the last are the JVM's warm-up and are reported apart. Each pass
 * prints one line:
 *
 * <pre>
 * flink: pass=N warmup=true|false in=RECORDS kept=ROWS table_rows=ROWS snapshots=S
 *        submit_ms=T first_record_ms=T last_record_ms=T end_ms=T first_snapshot_ms=T cpu_ms=C
 * </pre>
 *
 * (one line; times in epoch milliseconds; cpu_ms is the whole process's CPU time during the
 * pass, every thread of the MiniCluster included). table_rows is what the committed snapshots hold, read
 * back from the table, so that a run that lost or duplicated rows shows it.
 *
 * <p>Usage: SeedJob --bootstrap HOST:PORT --topic T --warehouse DIR [--parallelism N]
 * [--passes N] [--checkpoint-interval-ms MS] [--group PREFIX]
 */
public final class SeedJob {
  private static final String kNamespace = "raw_messages";
  private static final String kTable = "filtered_messages";

  private SeedJob() {}

  /** The seed's message: six strings, the last an ISO-8601 instant. */
  static RowType messageType() {
    List<RowType.RowField> fields =
        List.of(
            new RowType.RowField("account_id", new VarCharType(VarCharType.MAX_LENGTH)),
            new RowType.RowField("message_id", new VarCharType(VarCharType.MAX_LENGTH)),
            new RowType.RowField("message_body", new VarCharType(VarCharType.MAX_LENGTH)),
            new RowType.RowField("correlation_id", new VarCharType(VarCharType.MAX_LENGTH)),
            new RowType.RowField("message_status", new VarCharType(VarCharType.MAX_LENGTH)),
            new RowType.RowField("timestamp", (LogicalType) new LocalZonedTimestampType(6)));
    return new RowType(fields);
  }

  /** The table's schema: the same six columns, optional, the last a timestamptz. */
  static Schema tableSchema() {
    return new Schema(
        Types.NestedField.optional(1, "account_id", Types.StringType.get()),
        Types.NestedField.optional(2, "message_id", Types.StringType.get()),
        Types.NestedField.optional(3, "message_body", Types.StringType.get()),
        Types.NestedField.optional(4, "correlation_id", Types.StringType.get()),
        Types.NestedField.optional(5, "message_status", Types.StringType.get()),
        Types.NestedField.optional(6, "timestamp", Types.TimestampType.withZone()));
  }

  /**
   * Keeps the rows whose body contains "gun" in any case. It also counts the records in and
   * kept and notes when this subtask saw its first and last record, into accumulators that the
   * job's result merges (the minimum first, the maximum last).
   */
  static final class KeepGun extends RichFilterFunction<RowData> {
    private static final int kBody = 2;
    private long in;
    private long kept;
    private long first;
    private long last;

    @Override
    public void open(OpenContext context) {
      in = 0;
      kept = 0;
      first = 0;
      last = 0;
    }

    @Override
    public boolean filter(RowData row) {
      last = System.currentTimeMillis();
      if (in++ == 0) first = last;
      if (row.isNullAt(kBody)) return false;
      StringData body = row.getString(kBody);
      boolean keep = body.toString().toLowerCase(Locale.ROOT).contains("gun");
      if (keep) kept++;
      return keep;
    }

    @Override
    public void close() {
      getRuntimeContext().addAccumulator("in", new LongCounter(in));
      getRuntimeContext().addAccumulator("kept", new LongCounter(kept));
      if (in > 0) {
        getRuntimeContext().addAccumulator("first_record_ms", new LongMinimum(first));
        getRuntimeContext().addAccumulator("last_record_ms", new LongMaximum(last));
      }
    }
  }

  /** The command line, KEY VALUE pairs after their "--". */
  static Map<String, String> parseArgs(String[] args) {
    Map<String, String> options = new HashMap<>();
    options.put("parallelism", Integer.toString(Runtime.getRuntime().availableProcessors()));
    options.put("passes", "2");
    options.put("checkpoint-interval-ms", "30000");
    options.put("group", "flink-seed");
    List<String> known =
        List.of(
            "bootstrap",
            "topic",
            "warehouse",
            "parallelism",
            "passes",
            "checkpoint-interval-ms",
            "group");
    for (int i = 0; i < args.length; i += 2) {
      String key = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!known.contains(key)) throw new IllegalArgumentException("unknown option " + args[i]);
      if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value");
      options.put(key, args[i + 1]);
    }
    for (String required : List.of("bootstrap", "topic", "warehouse")) {
      if (!options.containsKey(required)) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    return options;
  }

  /** A fresh table raw_messages.filtered_messages in a Hadoop catalog at WAREHOUSE. */
  static CatalogLoader createTable(String warehouse) {
    Map<String, String> properties = new HashMap<>();
    properties.put("warehouse", new File(warehouse).getAbsoluteFile().toURI().toString());
    CatalogLoader loader =
        CatalogLoader.hadoop("bench", new org.apache.hadoop.conf.Configuration(), properties);
    Catalog catalog = loader.loadCatalog();
    Namespace namespace = Namespace.of(kNamespace);
    if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(namespace)) {
      namespaces.createNamespace(namespace);
    }
    Map<String, String> tableProperties =
        Map.of(
            "write.format.default", "parquet",
            "write.parquet.compression-codec", "zstd");
    catalog.createTable(
        TableIdentifier.of(namespace, kTable),
        tableSchema(),
        PartitionSpec.unpartitioned(),
        tableProperties);
    return loader;
  }

  /**
   * The MiniCluster's configuration: everything it listens on (REST endpoint, blob server, RPC,
   * the task manager's data port) on 127.0.0.1 and a port the kernel picks.
   */
  static Configuration loopbackOnly() {
    Map<String, String> settings = new HashMap<>();
    for (String key :
        List.of(
            "rest.address",
            "rest.bind-address",
            "jobmanager.rpc.address",
            "jobmanager.bind-host",
            "taskmanager.host",
            "taskmanager.bind-host")) {
      settings.put(key, "127.0.0.1");
    }
    settings.put("rest.port", "0");
    settings.put("blob.server.port", "0");
    settings.put("taskmanager.data.port", "0");
    return Configuration.fromMap(settings);
  }

  /** The CPU time this process has used so far, in milliseconds. */
  static long processCpuMillis() {
    return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1_000_000;
  }

  /** One run of the job, bounded to the topic's offsets at start; prints its line. */
  static void runPass(Map<String, String> options, int pass, boolean warmup) throws Exception {
    String warehouse = options.get("warehouse") + "/pass-" + pass;
    CatalogLoader catalog = createTable(warehouse);
    TableIdentifier identifier = TableIdentifier.of(kNamespace, kTable);
    int parallelism = Integer.parseInt(options.get("parallelism"));

    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(loopbackOnly());
    env.setParallelism(parallelism);
    env.getConfig().enableObjectReuse();
    env.enableCheckpointing(
        Long.parseLong(options.get("checkpoint-interval-ms")), CheckpointingMode.EXACTLY_ONCE);

    RowType type = messageType();
    InternalTypeInfo<RowData> rowInfo = InternalTypeInfo.of(type);
    // Bad JSON is skipped (ignoreParseErrors), as the seed job does; missing fields are nulls.
    JsonRowDataDeserializationSchema decode =
        new JsonRowDataDeserializationSchema(type, rowInfo, false, true, TimestampFormat.ISO_8601);
    KafkaSource<RowData> source =
        KafkaSource.<RowData>builder()
            .setBootstrapServers(options.get("bootstrap"))
            .setTopics(options.get("topic"))
            .setGroupId(options.get("group") + "-" + ProcessHandle.current().pid() + "-" + pass)
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setBounded(OffsetsInitializer.latest())
            .setValueOnlyDeserializer(decode)
            .setProperty("isolation.level", "read_committed")
            .build();
    WatermarkStrategy<RowData> watermarks =
        WatermarkStrategy.<RowData>forBoundedOutOfOrderness(Duration.ofSeconds(10))
            .withTimestampAssigner(
                (row, kafkaTimestamp) ->
                    row.isNullAt(5) ? kafkaTimestamp : row.getTimestamp(5, 6).getMillisecond());

    DataStream<RowData> messages = env.fromSource(source, watermarks, "profanity_words", rowInfo);
    DataStream<RowData> kept = messages.filter(new KeepGun()).name("body contains gun");
    FlinkSink.forRowData(kept)
        .tableLoader(TableLoader.fromCatalog(catalog, identifier))
        .writeParallelism(parallelism)
        .uidPrefix("filtered-messages")
        .append();

    long cpuBefore = processCpuMillis();
    long submit = System.currentTimeMillis();
    JobExecutionResult result = env.execute("flink-seed-job pass " + pass);
    long end = System.currentTimeMillis();
    long cpu = processCpuMillis() - cpuBefore;

    Table table = catalog.loadCatalog().loadTable(identifier);
    long firstSnapshot = 0;
    int snapshots = 0;
    for (Snapshot snapshot : table.snapshots()) {
      snapshots++;
      if (firstSnapshot == 0 || snapshot.timestampMillis() < firstSnapshot) {
        firstSnapshot = snapshot.timestampMillis();
      }
    }
    Snapshot current = table.currentSnapshot();
    String tableRows = current == null ? "0" : current.summary().getOrDefault("total-records", "0");
    System.out.printf(
        "flink: pass=%d warmup=%b in=%d kept=%d table_rows=%s snapshots=%d submit_ms=%d"
            + " first_record_ms=%d last_record_ms=%d end_ms=%d first_snapshot_ms=%d cpu_ms=%d%n",
        pass,
        warmup,
        accumulated(result, "in"),
        accumulated(result, "kept"),
        tableRows,
        snapshots,
        submit,
        accumulated(result, "first_record_ms"),
        accumulated(result, "last_record_ms"),
        end,
        firstSnapshot,
        cpu);
    System.out.flush();
  }

  static long accumulated(JobExecutionResult result, String name) {
    Object value = result.getAllAccumulatorResults().get(name);
    return value == null ? 0 : ((Number) value).longValue();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options;
    try {
      options = parseArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("SeedJob: " + e.getMessage());
      System.exit(2);
      return;
    }
    int passes = Integer.parseInt(options.get("passes"));
    for (int pass = 1; pass <= passes; pass++) runPass(options, pass, pass < passes);
    // The MiniClusters' non-daemon threads may linger: the work is done and reported.
    System.exit(0);
  }
}
