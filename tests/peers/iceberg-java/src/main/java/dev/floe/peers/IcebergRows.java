package dev.floe.peers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;

/**
 * Prints the rows of an Iceberg table as Iceberg's Java library reads them (IcebergGenerics,
 * which applies every kind of delete), one JSON object a line, in the forms of the tests'
 * expected files: timestamps as ISO-8601 (timestamptz in UTC with "Z"), dates YYYY-MM-DD, times
 * HH:MM:SS.ffffff, decimals as text, binary and fixed as hex, UUIDs as text.
 *
 * <pre>
 *   IcebergRows --jdbc WAREHOUSE/catalog.db --warehouse WAREHOUSE NAMESPACE.TABLE
 *   IcebergRows --metadata METADATA_JSON
 * </pre>
 *
 * --jdbc loads the table through Iceberg's JdbcCatalog on the SQLite file (sqlite-jdbc), under
 * the catalog name the file holds; --metadata reads one metadata file directly.
 */
public final class IcebergRows {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
  private static final DateTimeFormatter TIME_MICROS = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    String tableName = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--") && i + 1 < args.length) {
        options.put(args[i].substring(2), args[++i]);
      } else if (!args[i].startsWith("--") && tableName == null) {
        tableName = args[i];
      } else {
        usage("unexpected argument " + args[i]);
      }
    }
    Table table;
    if (options.containsKey("metadata")) {
      HadoopFileIO io = new HadoopFileIO(new Configuration());
      table = new BaseTable(new StaticTableOperations(options.get("metadata"), io), "table");
    } else if (options.containsKey("jdbc") && options.containsKey("warehouse") && tableName != null) {
      table = jdbcCatalog(options.get("jdbc"), options.get("warehouse"))
          .loadTable(TableIdentifier.parse(tableName));
    } else {
      usage("give --metadata FILE, or --jdbc DB --warehouse DIR and a table");
      return;
    }
    List<Types.NestedField> fields = table.schema().columns();
    Writer out = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
    JsonFactory factory = new JsonFactory();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        JsonGenerator json = factory.createGenerator(out);
        json.writeStartObject();
        for (Types.NestedField field : fields) {
          json.writeFieldName(field.name());
          write(json, record.getField(field.name()));
        }
        json.writeEndObject();
        json.flush();
        out.write('\n');
      }
    }
    out.flush();
  }

  private static JdbcCatalog jdbcCatalog(String database, String warehouse) throws Exception {
    String uri = "jdbc:sqlite:" + database;
    List<String> names = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(uri);
        ResultSet rows = connection.createStatement()
            .executeQuery("SELECT DISTINCT catalog_name FROM iceberg_tables")) {
      while (rows.next()) names.add(rows.getString(1));
    }
    if (names.size() != 1) usage(database + " holds tables of " + names.size() + " catalogs");
    Map<String, String> properties = new HashMap<>();
    properties.put(CatalogProperties.URI, uri);
    properties.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
    properties.put("jdbc.schema-version", "V1");
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.setConf(new Configuration());
    catalog.initialize(names.get(0), properties);
    return catalog;
  }

  private static void write(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof Integer n) {
      json.writeNumber(n);
    } else if (value instanceof Long n) {
      json.writeNumber(n);
    } else if (value instanceof Float n) {
      json.writeNumber(n);
    } else if (value instanceof Double n) {
      json.writeNumber(n);
    } else if (value instanceof BigDecimal n) {
      json.writeString(n.toPlainString());
    } else if (value instanceof CharSequence s) {
      json.writeString(s.toString());
    } else if (value instanceof LocalDate d) {
      json.writeString(d.toString());
    } else if (value instanceof LocalTime t) {
      json.writeString(t.format(TIME_MICROS));
    } else if (value instanceof LocalDateTime t) {
      json.writeString(t.format(MICROS));
    } else if (value instanceof OffsetDateTime t) {
      json.writeString(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().format(MICROS) + "Z");
    } else if (value instanceof UUID u) {
      json.writeString(u.toString());
    } else if (value instanceof byte[] bytes) {
      json.writeString(HexFormat.of().formatHex(bytes));
    } else if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      json.writeString(HexFormat.of().formatHex(bytes));
    } else if (value instanceof Record nested) {
      json.writeStartObject();
      for (Types.NestedField field : nested.struct().fields()) {
        json.writeFieldName(field.name());
        write(json, nested.getField(field.name()));
      }
      json.writeEndObject();
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object item : list) write(json, item);
      json.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        json.writeFieldName(String.valueOf(entry.getKey()));
        write(json, entry.getValue());
      }
      json.writeEndObject();
    } else {
      throw new IllegalStateException("no JSON form for " + value.getClass() + ": " + value);
    }
  }

  private static void usage(String problem) {
    System.err.println("IcebergRows: " + problem);
    System.err.println(
        "usage: IcebergRows --jdbc CATALOG_DB --warehouse DIR NS.TABLE | --metadata METADATA_JSON");
    System.exit(2);
  }
}
