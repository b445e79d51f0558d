package io.github.sparkactivations.sql;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.sparkactivations.core.Version;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** A jar meeting a Spark of another line says which jar to use. */
class SparkLineTest {

  private static final String V = Version.get();

  @Test
  void aJarOfTheRunningLineIsAccepted() {
    assertNull(SparkLine.mismatch("4.2", "2.13", "4.2.0", "2.13.16"));
    assertNull(SparkLine.mismatch("3.5", "2.12", "3.5.1-amzn-0", "2.12.18"));
    assertDoesNotThrow(SparkLine::requireMatch, "the test JVM runs this jar's own line");
  }

  @Test
  void aJarOfAnotherLineNamesTheJarToUse() {
    assertEquals(
        "spark-activations-spark4.2_2.13-"
            + V
            + ".jar is built for Spark 4.2 with Scala 2.13, but this is Spark 4.0.1 with Scala"
            + " 2.13.16: use spark-activations-spark4.0_2.13-"
            + V
            + ".jar instead",
        SparkLine.mismatch("4.2", "2.13", "4.0.1", "2.13.16"));
    assertEquals(
        "spark-activations-spark3.5_2.12-"
            + V
            + ".jar is built for Spark 3.5 with Scala 2.12, but this is Spark 3.5.6 with Scala"
            + " 2.13.8: use spark-activations-spark3.5_2.13-"
            + V
            + ".jar instead",
        SparkLine.mismatch("3.5", "2.12", "3.5.6", "2.13.8"));
  }

  @Test
  void aSparkNoJarSupportsIsSaidSo() {
    assertEquals(
        "spark-activations-spark4.2_2.13-"
            + V
            + ".jar is built for Spark 4.2 with Scala 2.13, but this is Spark 3.4.1 with Scala"
            + " 2.12.17, which no spark-activations jar supports; jars exist for Spark 3.5, 4.0, 4.1,"
            + " 4.2",
        SparkLine.mismatch("4.2", "2.13", "3.4.1", "2.12.17"));
  }

  /** The lines the check knows are the pom's profiles, with the Scala versions each allows. */
  @Test
  void theKnownLinesAreThePomsProfiles() throws Exception {
    Element pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Path.of("pom.xml").toFile())
            .getDocumentElement();
    // The default line's profile is empty: its values are the pom's own properties.
    String defaultAllowed = text(pom, "spark.line.scala");
    Map<String, List<String>> profiles = new TreeMap<>();
    NodeList nodes = pom.getElementsByTagName("profile");
    for (int i = 0; i < nodes.getLength(); i++) {
      Element profile = (Element) nodes.item(i);
      String id = text(profile, "id");
      if (id.startsWith("spark-")) {
        String allowed =
            profile.getElementsByTagName("spark.line.scala").getLength() == 0
                ? defaultAllowed
                : text(profile, "spark.line.scala");
        List<String> scalas = new ArrayList<>();
        for (String scala : List.of("2.12", "2.13")) {
          if (scala.matches(allowed)) {
            scalas.add(scala);
          }
        }
        profiles.put(id.substring("spark-".length()), scalas);
      }
    }
    assertEquals(profiles, SparkLine.BUILT);
  }

  private static String text(Element element, String tag) {
    return element.getElementsByTagName(tag).item(0).getTextContent();
  }
}
