// Iceberg's reference REST catalog server, as iceberg-open-api's RESTCatalogServer assembles
// it (a JDBC catalog behind RESTCatalogAdapter and RESTCatalogServlet in Jetty), but listening
// on the address it is given: RESTCatalogServer itself binds every interface.
//
//   java -cp 'lib/*:tools' RestServer HOST PORT JDBC_URI WAREHOUSE
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

public final class RestServer {
  private RestServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: RestServer HOST PORT JDBC_URI WAREHOUSE");
      System.exit(2);
    }
    Catalog backend =
        CatalogUtil.buildIcebergCatalog(
            "rest_backend",
            Map.of(
                CatalogProperties.CATALOG_IMPL, "org.apache.iceberg.jdbc.JdbcCatalog",
                CatalogProperties.URI, args[2],
                CatalogProperties.WAREHOUSE_LOCATION, args[3],
                "jdbc.schema-version", "V1"),
            new Configuration());
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.addServlet(
        new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(backend))), "/*");
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(args[0]);
    connector.setPort(Integer.parseInt(args[1]));
    server.addConnector(connector);
    server.setHandler(context);
    server.start();
    server.join();
  }
}
