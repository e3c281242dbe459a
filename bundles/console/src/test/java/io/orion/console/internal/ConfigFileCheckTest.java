package io.orion.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileCheckTest {

    @TempDir Path deploy;

    private Path file(String name, String text) throws Exception {
        Path f = Files.writeString(deploy.resolve(name), text);
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        return f;
    }

    @Test
    void aFileThatBecameAConfigurationIsFine() throws Exception {
        Path f = file("io.orion.core.cfg", "policy=spread\n");
        assertEquals(List.of(), ConfigFileCheck.check(deploy, List.of(f.toUri().toString()), System.currentTimeMillis()));
    }

    @Test
    void aFileThatDidNotIsNamedWithTheLineThatIsWrong() throws Exception {
        Path f = file("io.orion.transport.tcp.config", "# a comment\nport=I\"9960\"\nfoo=[1,2\nsizes=L[\"1\", \"two\"]\n");
        List<ConfigProblem> problems = ConfigFileCheck.check(deploy, List.of(), System.currentTimeMillis());
        assertEquals(1, problems.size());
        String text = problems.get(0).toString();
        assertEquals(f + ": not applied: FileInstall could not read it; line 4: 'two' is not a whole number (type L): sizes=L[\"1\", \"two\"]", text);
    }

    @Test
    void aWatchNamesAnOldFileOnlyOnceItHasSeenItUnreadForAWhile() throws Exception {
        file("io.orion.core.cfg", "policy=spread\n"); // old already, as a ConfigMap's files are at a pod's start
        java.util.Map<Path, Long> since = new java.util.HashMap<>();
        long t0 = System.currentTimeMillis();
        assertEquals(List.of(), ConfigFileCheck.check(deploy, List.of(), t0, since), "FileInstall may not have reached it yet");
        assertEquals(List.of(), ConfigFileCheck.check(deploy, List.of(), t0 + ConfigFileCheck.WATCHED_MILLIS - 1, since));
        assertEquals(1, ConfigFileCheck.check(deploy, List.of(), t0 + ConfigFileCheck.WATCHED_MILLIS, since).size());
        // read at last: forgotten, so a later failure to read it starts the clock again
        Path f = deploy.resolve("io.orion.core.cfg");
        assertEquals(List.of(), ConfigFileCheck.check(deploy, List.of(f.toUri().toString()), t0 + 20_000, since));
        assertTrue(since.isEmpty(), since.toString());
    }

    @Test
    void aFreshFileIsLeftToFileInstallsNextPoll() throws Exception {
        Files.writeString(deploy.resolve("io.orion.core.cfg"), "policy=spread\n");
        assertEquals(List.of(), ConfigFileCheck.check(deploy, List.of(), System.currentTimeMillis()));
    }

    @Test
    void otherFilesAndAMissingFolderAreIgnored() throws Exception {
        file("policy.jar", "not a config");
        assertEquals(List.of(), ConfigFileCheck.check(deploy, List.of(), System.currentTimeMillis()));
        assertEquals(List.of(), ConfigFileCheck.check(deploy.resolve("nowhere"), List.of(), System.currentTimeMillis()));
    }

    @Test
    void configSyntaxFindsTheFirstValueNotOfItsType() {
        assertNull(ConfigFileCheck.configSyntax(List.of("a=\"x\"", "b=I\"1\"", "c=[\"a\",\"b\"]", "port=9960", "words only", "d=B\"maybe\"")));
        assertEquals("line 2: 'abc' is not a whole number (type I): port=I\"abc\"",
                ConfigFileCheck.configSyntax(List.of("# port", "port=I\"abc\"")));
        assertTrue(ConfigFileCheck.configSyntax(List.of("w=d(\"0.5\", \"half\")")).startsWith("line 1: 'half' is not a number"));
        assertTrue(ConfigFileCheck.configSyntax(List.of("c=C\"ab\"")).contains("one character"));
    }
}
