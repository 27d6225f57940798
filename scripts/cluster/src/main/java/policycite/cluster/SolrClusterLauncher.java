// A local multi-node SolrCloud in one JVM (MiniSolrCloudCluster: Jetty nodes on loopback ports and an
// embedded ZooKeeper), for tests and trials of the product's search-cluster backend.
//
// Prints one JSON line per event on stdout ({"event":"ready",...}, {"event":"stopped",...}, ...) and
// reads commands from stdin, one per line:
//   stop N    stops node N (0-based); its replicas go down, the others keep serving
//   start N   starts node N again
//   shutdown  stops every node and ZooKeeper, then exits (so does the end of stdin)
package policycite.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;

public final class SolrClusterLauncher {
  private static final PrintStream events = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);

  private SolrClusterLauncher() {}

  public static void main(String[] args) throws Exception {
    int nodes = 2;
    Path baseDir = null;
    Path configSet = null;
    String configName = "policy-cite";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[++i]);
        case "--base-dir" -> baseDir = Path.of(args[++i]);
        case "--configset" -> configSet = Path.of(args[++i]);
        case "--configset-name" -> configName = args[++i];
        default -> fail("unknown argument " + args[i] + " (expected --nodes N, --base-dir DIR, --configset DIR, --configset-name NAME)");
      }
    }
    if (nodes < 1) fail("--nodes must be at least 1");
    if (configSet == null || !Files.isRegularFile(configSet.resolve("solrconfig.xml"))) fail("--configset must name a folder holding solrconfig.xml");
    if (baseDir == null) baseDir = Files.createTempDirectory("policy-cite-solr-");
    Files.createDirectories(baseDir);

    // Solr refuses paths outside its home unless allowed; the test framework's nodes live under baseDir.
    System.setProperty("solr.allowPaths", baseDir.toAbsolutePath().toString());
    System.setProperty("solr.log.dir", baseDir.resolve("logs").toAbsolutePath().toString());
    System.setProperty("host", "127.0.0.1");
    System.setProperty("solr.disableDefaultJmxReporter", "true");

    long started = System.nanoTime();
    MiniSolrCloudCluster cluster = new MiniSolrCloudCluster.Builder(nodes, baseDir).addConfig(configName, configSet).withMetrics(false).build();
    AtomicBoolean down = new AtomicBoolean(false);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(cluster, down)));
    emit("{\"event\":\"ready\",\"urls\":" + urls(cluster) + ",\"zkHost\":" + quote(cluster.getZkServer().getZkAddress()) + ",\"configSet\":" + quote(configName)
        + ",\"baseDir\":" + quote(baseDir.toAbsolutePath().toString()) + ",\"startMs\":" + (System.nanoTime() - started) / 1_000_000 + "}");

    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = commands.readLine()) != null; ) {
      String[] words = line.trim().split("\\s+");
      try {
        switch (words[0]) {
          case "" -> {}
          case "stop" -> {
            int node = nodeNumber(words, cluster);
            JettySolrRunner jetty = cluster.getJettySolrRunner(node);
            String url = jetty.getBaseUrl().toString();
            cluster.stopJettySolrRunner(node);
            cluster.waitForJettyToStop(jetty);
            emit("{\"event\":\"stopped\",\"node\":" + node + ",\"url\":" + quote(url) + "}");
          }
          case "start" -> {
            int node = nodeNumber(words, cluster);
            JettySolrRunner jetty = cluster.getJettySolrRunner(node);
            cluster.startJettySolrRunner(jetty, true);
            cluster.waitForNode(jetty, 60);
            emit("{\"event\":\"started\",\"node\":" + node + ",\"url\":" + quote(jetty.getBaseUrl().toString()) + "}");
          }
          case "shutdown" -> {
            shutdown(cluster, down);
            emit("{\"event\":\"shutdown\"}");
            System.exit(0);
          }
          default -> emit("{\"event\":\"error\",\"message\":" + quote("unknown command: " + line.trim() + " (stop N, start N, shutdown)") + "}");
        }
      } catch (Exception error) {
        emit("{\"event\":\"error\",\"message\":" + quote(String.valueOf(error.getMessage())) + "}");
      }
    }
    shutdown(cluster, down);
    System.exit(0);
  }

  private static int nodeNumber(String[] words, MiniSolrCloudCluster cluster) {
    int count = cluster.getJettySolrRunners().size();
    if (words.length < 2) throw new IllegalArgumentException(words[0] + " needs a node number (0 to " + (count - 1) + ")");
    int node = Integer.parseInt(words[1]);
    if (node < 0 || node >= count) throw new IllegalArgumentException("no node " + node + " (0 to " + (count - 1) + ")");
    return node;
  }

  private static String urls(MiniSolrCloudCluster cluster) {
    List<String> quoted = new ArrayList<>();
    for (JettySolrRunner jetty : cluster.getJettySolrRunners()) quoted.add(quote(jetty.getBaseUrl().toString()));
    return "[" + String.join(",", quoted) + "]";
  }

  private static void shutdown(MiniSolrCloudCluster cluster, AtomicBoolean down) {
    if (!down.compareAndSet(false, true)) return;
    try {
      cluster.shutdown();
    } catch (Exception error) {
      System.err.println("shutdown: " + error);
    }
  }

  private static void emit(String json) {
    events.println(json);
  }

  private static void fail(String message) {
    emit("{\"event\":\"error\",\"message\":" + quote(message) + "}");
    System.exit(2);
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }
}
