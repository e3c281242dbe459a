package io.orion.store.journal.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the frames of one file in order and says, for the first bad one, whether it is a torn
 * write (the end of the file, never confirmed durable) or corruption (followed by more data).
 *
 * <p>The rule: a frame is bad when its line has no newline before the end of the file, or fails
 * the header, length or checksum check. A bad <em>last</em> line is a torn tail — a crash cut the
 * last write short — unless it holds a whole sound frame followed by more bytes (a rotten
 * newline, see {@link Frames#soundFrameWithTrailingBytes}). A bad line followed by another line is
 * corruption. Only a file that is appended to (a journal) may end torn; callers treat a torn
 * snapshot as corruption.
 */
final class FrameReader implements Closeable {

    /** What the next read found. */
    sealed interface Next {}

    /** A sound frame; {@code payload} holds exactly the payload bytes. */
    record Frame(long offset, byte[] payload) implements Next {}

    /** The file ended cleanly after the previous frame. */
    record End(long offset) implements Next {}

    /** The last {@code length} bytes, from {@code offset}, are a write that a crash cut short. */
    record Torn(long offset, long length, String why) implements Next {}

    /** The frame at {@code offset} is damaged and more data follows it. */
    record Corrupt(long offset, String why) implements Next {}

    private final Path file;
    private final long size;
    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos;
    private int chunkEnd;
    private long offset;
    private byte[] line = new byte[8192];
    private boolean finished;

    FrameReader(Path file) throws IOException {
        this.file = file;
        this.size = Files.size(file);
        this.in = Files.newInputStream(file);
    }

    Path file() { return file; }

    long size() { return size; }

    /** The next frame or the end; after an End, Torn or Corrupt it keeps answering that. */
    Next next() throws IOException {
        if (finished) throw new IllegalStateException("read past the end of " + file);
        long start = offset;
        int n = 0;
        boolean newline = false;
        while (!newline) {
            if (chunkPos == chunkEnd && !fill()) break;
            int from = chunkPos;
            while (chunkPos < chunkEnd && chunk[chunkPos] != '\n') chunkPos++;
            int take = chunkPos - from;
            if (chunkPos < chunkEnd) {
                newline = true;
                chunkPos++;
            }
            if (n + take > line.length) {
                if ((long) n + take > Frames.HEADER + Frames.MAX_PAYLOAD) return finish(tooLong(start));
                line = Arrays.copyOf(line, Math.max(n + take, Math.min(line.length * 2, Frames.HEADER + Frames.MAX_PAYLOAD)));
            }
            System.arraycopy(chunk, from, line, n, take);
            n += take;
        }
        if (!newline) {
            // No newline before the end of the file.
            if (n == 0) return finish(new End(start));
            if (Frames.soundFrameWithTrailingBytes(line, n))
                return finish(new Corrupt(start, "a sound frame is followed by stray bytes instead of a newline"));
            return finish(new Torn(start, n, "last " + n + " bytes are a frame without its newline"));
        }
        offset = start + n + 1;
        String bad = Frames.check(line, n);
        if (bad == null) return new Frame(start, Arrays.copyOfRange(line, Frames.HEADER, n));
        if (Frames.soundFrameWithTrailingBytes(line, n))
            return finish(new Corrupt(start, "a sound frame is followed by stray bytes instead of a newline"));
        if (offset == size) return finish(new Torn(start, n + 1, "last frame is incomplete: " + bad));
        return finish(new Corrupt(start, bad));
    }

    private boolean fill() throws IOException {
        int r = in.read(chunk);
        if (r <= 0) return false;
        chunkPos = 0;
        chunkEnd = r;
        return true;
    }

    private Next tooLong(long start) {
        return new Corrupt(start, "line is longer than the largest frame (" + Frames.MAX_PAYLOAD + " bytes)");
    }

    private Next finish(Next last) {
        finished = true;
        return last;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
