// Creates Kafka topics through the Admin API (tests/peers/kafka.sh topics): one JVM for all of
// them, instead of one kafka-topics run each. Exits non-zero naming the topic that failed; a
// topic that exists already with the asked partition count is fine.
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

public final class CreateTopics {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: CreateTopics BOOTSTRAP NAME:PARTITIONS...");
      System.exit(2);
    }
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    List<NewTopic> topics = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      int colon = args[i].lastIndexOf(':');
      String name = colon < 0 ? args[i] : args[i].substring(0, colon);
      int partitions = colon < 0 ? 1 : Integer.parseInt(args[i].substring(colon + 1));
      topics.add(new NewTopic(name, partitions, (short) 1));
    }
    try (Admin admin = Admin.create(properties)) {
      // A broker that has just started (or shares a loaded machine with others) may answer
      // with a retriable error, or not yet know a topic it has just created: try again for a
      // minute before giving up.
      long deadline = System.nanoTime() + 60_000_000_000L;
      for (int attempt = 1; ; attempt++) {
        try {
          create(admin, topics);
          return;
        } catch (ExecutionException e) {
          boolean retriable = e.getCause() instanceof RetriableException;
          if (!retriable || System.nanoTime() > deadline) {
            System.err.println("could not create the topics (attempt " + attempt + "): " + e.getCause());
            System.exit(1);
          }
          System.err.println("attempt " + attempt + ": " + e.getCause().getMessage() + "; again");
          Thread.sleep(500);
        }
      }
    }
  }

  // Creates the topics (an existing one is fine) and checks their partition counts; exits
  // naming a topic whose creation failed for good or whose count differs.
  private static void create(Admin admin, List<NewTopic> topics) throws Exception {
    for (Map.Entry<String, ?> entry : admin.createTopics(topics).values().entrySet()) {
      try {
        ((org.apache.kafka.common.KafkaFuture<?>) entry.getValue()).get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RetriableException) throw e;
        if (!(e.getCause() instanceof TopicExistsException)) {
          System.err.println("topic " + entry.getKey() + ": " + e.getCause().getMessage());
          System.exit(1);
        }
      }
    }
    List<String> names = topics.stream().map(NewTopic::name).toList();
    Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
    for (NewTopic topic : topics) {
      int have = described.get(topic.name()).partitions().size();
      if (have != topic.numPartitions()) {
        System.err.println("topic " + topic.name() + " exists with " + have + " partitions, not "
            + topic.numPartitions());
        System.exit(1);
      }
    }
  }
}
