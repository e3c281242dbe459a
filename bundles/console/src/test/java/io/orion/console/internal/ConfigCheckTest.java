package io.orion.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

class ConfigCheckTest {

    /** An attribute with a type, a default and an optional upper bound, validated as Felix does. */
    private record Attr(String id, int type, String dflt, Integer max, String[] options) implements AttributeDefinition {
        public String getName() { return id; }
        public String getID() { return id; }
        public String getDescription() { return ""; }
        public int getCardinality() { return 0; }
        public int getType() { return type; }
        public String[] getOptionValues() { return options; }
        public String[] getOptionLabels() { return options; }
        public String[] getDefaultValue() { return new String[] {dflt}; }
        public String validate(String value) {
            if (options != null && !List.of(options).contains(value)) return "not one of the options";
            if (max != null && Double.parseDouble(value) > max) return "above the maximum " + max;
            return "";
        }
    }

    private record Ocd(AttributeDefinition... ads) implements ObjectClassDefinition {
        public String getName() { return "test"; }
        public String getID() { return "test"; }
        public String getDescription() { return ""; }
        public AttributeDefinition[] getAttributeDefinitions(int filter) { return ads; }
        public InputStream getIcon(int size) { return null; }
    }

    private static final Ocd TCP = new Ocd(
            new Attr("port", AttributeDefinition.INTEGER, "9960", 65535, null),
            new Attr("mode", AttributeDefinition.STRING, "fast", null, new String[] {"fast", "safe"}),
            new Attr("nodelay", AttributeDefinition.BOOLEAN, "true", null, null));

    private static List<ConfigProblem> check(Map<String, Object> props) {
        return ConfigCheck.check("deploy/io.orion.transport.tcp.cfg", "io.orion.transport.tcp", props, Optional.of(TCP), List.of());
    }

    @Test
    void aGoodConfigurationHasNoProblem() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("port", "9961");
        p.put("mode", "safe");
        p.put("nodelay", Boolean.FALSE);
        p.put("service.pid", "io.orion.transport.tcp");
        p.put("felix.fileinstall.filename", "file:/x/deploy/io.orion.transport.tcp.cfg");
        p.put("transport.target", "(name=x)");
        assertEquals(List.of(), check(p));
    }

    @Test
    void aValueOfTheWrongTypeIsNamedWithWhatWasExpected() {
        List<ConfigProblem> problems = check(Map.of("port", "abc"));
        assertEquals(1, problems.size());
        assertEquals("deploy/io.orion.transport.tcp.cfg: io.orion.transport.tcp port=abc: 'abc' is not a whole number"
                + " (expected whole number; default 9960)", problems.get(0).toString());
        assertTrue(check(Map.of("nodelay", "yes")).get(0).message().contains("boolean (true or false)"));
    }

    @Test
    void aValueTheDescriptionRefusesIsNamed() {
        assertTrue(check(Map.of("port", "70000")).get(0).message().startsWith("'70000' is refused: above the maximum 65535"));
        String options = check(Map.of("mode", "turbo")).get(0).message();
        assertTrue(options.contains("one of fast, safe"), options);
    }

    @Test
    void anUnknownKeyIsNamedWithTheKeyItMayHaveMeant() {
        assertEquals("unknown key, ignored; did you mean port?", check(Map.of("prot", "1")).get(0).message());
        assertEquals("unknown key, ignored; the keys are port, mode, nodelay", check(Map.of("colour", "red")).get(0).message());
    }

    @Test
    void listsAreCheckedElementByElement() {
        List<ConfigProblem> problems = check(Map.of("port", new String[] {"1", "x", "2"}));
        assertEquals(1, problems.size());
        assertEquals("[1,x,2]", problems.get(0).value());
    }

    @Test
    void anUndescribedPidOfOursIsNamedWithTheNearestDescribedOne() {
        List<ConfigProblem> problems = ConfigCheck.check("configuration admin", "io.orion.cor", Map.of("policy", "spread"),
                Optional.empty(), List.of("io.orion.core", "io.orion.controller"));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).message().startsWith("no bundle in this runtime reads this configuration; did you mean io.orion.core?"));
        assertEquals(List.of(), ConfigCheck.check("configuration admin", "org.apache.felix.http", Map.of("x", "1"),
                Optional.empty(), List.of("io.orion.core")));
    }
}
