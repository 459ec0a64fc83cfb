package dev.starttls.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What the test kit's pom hands to a user's project: no JUnit of its own (a user on JUnit 5.11 got a mixed JUnit and
 * "Tests run: 0"), so the user's {@code junit-bom} decides.
 */
class TestKitPomTest {
    private static List<Element> dependencies() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document pom = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile()); // surefire runs in the module
        Element project = pom.getDocumentElement();
        List<Element> result = new ArrayList<>();
        NodeList children = project.getElementsByTagName("dependencies");
        for (int i = 0; i < children.getLength(); i++) {
            Element dependencies = (Element) children.item(i);
            if (dependencies.getParentNode() != project) {
                continue; // dependencyManagement or plugin dependencies
            }
            NodeList each = dependencies.getElementsByTagName("dependency");
            for (int j = 0; j < each.getLength(); j++) {
                result.add((Element) each.item(j));
            }
        }
        return result;
    }

    private static String text(Element dependency, String tag) {
        NodeList nodes = dependency.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    @Test
    void junitReachesUsersOnlyThroughTheirOwnBuild() throws Exception {
        List<Element> junit = dependencies().stream().filter(d -> text(d, "groupId").startsWith("org.junit")).toList();
        assertFalse(junit.isEmpty());
        for (Element d : junit) {
            String scope = text(d, "scope");
            assertTrue(scope.equals("provided") || scope.equals("test"),
                    text(d, "artifactId") + " has scope '" + scope + "': it would be passed on to users");
        }
    }
}
