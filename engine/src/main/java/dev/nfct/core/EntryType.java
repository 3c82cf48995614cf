package dev.nfct.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What one protocol's entries are: the class that holds its tracker's per-entry data, and that
 * data's binary form in checkpoints and savepoints ({@link ConnCodec}). Each tracker gives its own
 * ({@link ProtocolTracker#entryType()}); stateless, so one instance serves every entry.
 */
public interface EntryType {
    /** The constructor of an entry class, as {@link #newEntry} calls it. */
    @FunctionalInterface
    interface Factory {
        Conn make(Tuple orig, Tuple reply, int id, int mark, boolean acct, boolean timestamp, boolean ecache);
    }

    /** An entry type of a data kind and an entry class; a tracker overrides the data methods it needs. */
    abstract class Base implements EntryType {
        /**
         * Entries with no tracker data: a plain {@link Conn}. It lives here, not in the interface:
         * an interface constant holding an instance of this class made two threads that first
         * touched the interface and a tracker's entry class wait for each other's class
         * initialization for ever (the interface has default methods, so initializing this class
         * initializes it).
         */
        public static final EntryType PLAIN = new Base(0, Conn::new) {};

        private final int dataKind;
        private final Factory factory;

        protected Base(int dataKind, Factory factory) {
            this.dataKind = dataKind;
            this.factory = factory;
        }

        @Override
        public final int dataKind() {
            return dataKind;
        }

        @Override
        public final Conn newEntry(
                Tuple orig, Tuple reply, int id, int mark, boolean acct, boolean timestamp, boolean ecache) {
            return factory.make(orig, reply, id, mark, acct, timestamp, ecache);
        }
    }

    /**
     * The byte that names this tracker's data in the binary form (written before the data, checked
     * when it is read back); 0 when entries carry none. Kinds are never reused.
     */
    int dataKind();

    /** A new, empty entry of this protocol's class. */
    Conn newEntry(Tuple orig, Tuple reply, int id, int mark, boolean acct, boolean timestamp, boolean ecache);

    /** Whether the entry holds tracker data to write (it may not yet, before its first packet). */
    default boolean hasData(Conn ct) {
        return false;
    }

    /** Writes the entry's tracker data (only when {@link #hasData}). */
    default void writeData(Conn ct, DataOutput out) throws IOException {}

    /** Reads what {@link #writeData} wrote into an entry made by {@link #newEntry}. */
    default void readData(Conn ct, DataInput in) throws IOException {
        throw new IOException("no tracker data for protocol " + ct.protocol());
    }

    /** Copies the tracker data of {@code from} into {@code to}, an entry made by {@link #newEntry}. */
    default void copyData(Conn from, Conn to) {}

    /**
     * The 64-bit word the entry format keeps in every entry's header for its tracker: UDP keeps
     * its stream time there; 0 for everyone else.
     */
    default long headerWord(Conn ct) {
        return 0;
    }

    /** Restores the {@link #headerWord} of an entry read back. */
    default void setHeaderWord(Conn ct, long word) {}
}
