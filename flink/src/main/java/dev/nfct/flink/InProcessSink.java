package dev.nfct.flink;

import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that hands records to a queue in the same JVM. Only for jobs on a local MiniCluster in
 * this process (the in-process replay path): unlike Flink's collect mechanism it loses nothing
 * when the local cluster shuts down right after the job.
 */
final class InProcessSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Object>> QUEUES = new ConcurrentHashMap<>();
    private final String id;

    private InProcessSink(String id) {
        this.id = id;
    }

    /** A sink and the queue it fills; {@link #release} the queue when done. */
    static <T> InProcessSink<T> create() {
        String id = UUID.randomUUID().toString();
        QUEUES.put(id, new ConcurrentLinkedQueue<>());
        return new InProcessSink<>(id);
    }

    @SuppressWarnings("unchecked")
    Queue<T> queue() {
        return (Queue<T>) QUEUES.get(id);
    }

    void release() {
        QUEUES.remove(id);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> q = QUEUES.get(id);
        if (q == null) {
            throw new IllegalStateException("in-process sink used outside the JVM that created it");
        }
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                q.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
