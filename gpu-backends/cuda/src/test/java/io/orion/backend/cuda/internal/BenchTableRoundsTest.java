package io.orion.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.orion.backend.cuda.gpu.BenchTable;
import io.orion.backend.cuda.gpu.BenchTable.Key;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run.sh appends several rounds of results to one file: each figure is their median. */
class BenchTableRoundsTest {

    @Test
    void eachFigureIsTheMedianOfItsRounds(@TempDir Path dir) throws Exception {
        Path c = Files.writeString(dir.resolve("c.txt"), """
                bench: measuring thread pinned to CPU 15
                RESULT c h2d_pinned 262144 12.0
                RESULT c launch_sync 0 9.0
                RESULT c h2d_pinned 262144 14.0
                RESULT c launch_sync 0 9.2
                RESULT java h2d_pinned 262144 99.0
                RESULT c h2d_pinned 262144 13.0
                RESULT c launch_sync 0 9.1
                """);
        Map<Key, Double> medians = BenchTable.readIfAny(c, "c");
        assertEquals(13.0, medians.get(new Key("h2d_pinned", 262144)), 1e-9);
        assertEquals(9.1, medians.get(new Key("launch_sync", 0)), 1e-9);
        assertEquals(List.of(12.0, 14.0, 13.0), BenchTable.rounds(c, "c").get(new Key("h2d_pinned", 262144)));
        assertEquals(1, BenchTable.readIfAny(c, "java").size());
    }
}
