package dev.nfct.flink.format;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder that refuses lengths and item counts larger than the message itself.
 *
 * <p>Why: Avro's {@link BinaryDecoder} allocates a string, byte buffer or array of the length the
 * data claims before it notices that the bytes are not there, so ten bytes of garbage announcing a
 * 2 GB string become a 2 GB allocation (an OutOfMemoryError that takes the task manager down
 * instead of one dead letter). Avro's own limits ({@code org.apache.avro.limits.*}) are JVM-wide
 * system properties with ~2 GB defaults. Here every claimed length is checked against the body
 * length first, so garbage costs at most the size of the message.
 *
 * <p>Everything else is delegated to a reused {@link BinaryDecoder}; strings are decoded through a
 * reused scratch buffer. One instance per deserializer instance (not thread-safe, like the rest).
 */
final class BoundedDecoder extends Decoder {
    private BinaryDecoder in;
    private int limit;
    private byte[] scratch = new byte[64];

    /** Points this decoder at the next message body, of {@code limit} bytes. */
    BoundedDecoder reset(BinaryDecoder in, int limit) {
        this.in = in;
        this.limit = limit;
        return this;
    }

    private int length(long claimed, String what) throws IOException {
        if (claimed < 0) {
            throw new MalformedBodyException("negative " + what + " length " + claimed);
        }
        if (claimed > limit) {
            throw new EOFException(what + " of " + claimed + " bytes in a body of only " + limit);
        }
        return (int) claimed;
    }

    private long count(long claimed, String what) throws IOException {
        // Every item of our schemas takes at least one byte, so a count above the body length is a lie.
        if (claimed > limit) {
            throw new EOFException(what + " of " + claimed + " items in a body of only " + limit + " bytes");
        }
        return claimed;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int n = length(in.readLong(), "string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(n);
        if (n > 0) {
            in.readFixed(result.getBytes(), 0, n);
        }
        return result;
    }

    @Override
    public String readString() throws IOException {
        int n = length(in.readLong(), "string");
        if (n == 0) {
            return "";
        }
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        in.readFixed(scratch, 0, n);
        return new String(scratch, 0, n, StandardCharsets.UTF_8);
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int n = length(in.readLong(), "bytes");
        ByteBuffer result = old != null && old.hasArray() && old.capacity() >= n ? old : ByteBuffer.allocate(n);
        result.clear();
        in.readFixed(result.array(), result.arrayOffset(), n);
        result.limit(n);
        return result;
    }

    @Override
    public long readArrayStart() throws IOException {
        return count(in.readArrayStart(), "array block");
    }

    @Override
    public long arrayNext() throws IOException {
        return count(in.arrayNext(), "array block");
    }

    @Override
    public long readMapStart() throws IOException {
        return count(in.readMapStart(), "map block");
    }

    @Override
    public long mapNext() throws IOException {
        return count(in.mapNext(), "map block");
    }

    // ------------------------------------------------------------- plain delegation

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public void skipString() throws IOException {
        in.skipString();
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipBytes();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    /** Data that cannot be a valid encoding (as opposed to data that merely ends too early). */
    static final class MalformedBodyException extends IOException {
        MalformedBodyException(String message) {
            super(message);
        }
    }
}
