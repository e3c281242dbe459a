package io.orion.portal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StaticFilesTest {

    private final List<String> opened = new ArrayList<>();
    private final Map<String, String> folder = Map.of("index.html", "<!doctype html>", "portal.js", "export {}",
            "portal.css", "body{}", "other.js", "export {};");
    private final StaticFiles files = new StaticFiles(name -> {
        opened.add(name);
        String s = folder.get(name);
        return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    });

    @Test
    void servesTheIndexForTheFolderAndTypesByExtension() {
        StaticFiles.Asset index = files.find("").orElseThrow();
        assertEquals("index.html", index.name());
        assertEquals("text/html; charset=utf-8", index.contentType());
        assertArrayEquals("<!doctype html>".getBytes(StandardCharsets.UTF_8), index.bytes());
        assertEquals("text/javascript; charset=utf-8", files.find("portal.js").orElseThrow().contentType());
        assertEquals("text/css; charset=utf-8", files.find("portal.css").orElseThrow().contentType());
    }

    @Test
    void readsEachFileOnceAndTagsItByContent() {
        StaticFiles.Asset first = files.find("portal.js").orElseThrow();
        StaticFiles.Asset again = files.find("portal.js").orElseThrow();
        assertEquals(List.of("portal.js"), opened, "read once");
        assertEquals(first.etag(), again.etag());
        assertTrue(first.etag().matches("\"[0-9a-f]{24}\""), first.etag());
        assertNotEquals(first.etag(), files.find("other.js").orElseThrow().etag());
    }

    @Test
    void nothingOutsideTheFolderNorUnknownKindsIsLookedUp() {
        for (String bad : new String[] {"../pom.xml", "..", "a/index.html", "/index.html", "%2e%2e/x.js", ".hidden.js",
                "index.HTML", "secret.properties", "portal.js/", "x.class", "index.html\u0000.js"})
            assertTrue(files.find(bad).isEmpty(), bad);
        assertEquals(List.of(), opened, "no bad name reached the bundle");
        assertTrue(files.find("missing.js").isEmpty());
    }
}
