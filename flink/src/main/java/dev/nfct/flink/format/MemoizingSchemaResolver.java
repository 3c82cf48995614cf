package dev.nfct.flink.format;

import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaParser;
import io.apicurio.registry.resolver.SchemaResolver;
import io.apicurio.registry.resolver.client.RegistryClientFacade;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.resolver.strategy.ArtifactReferenceResolverStrategy;
import io.apicurio.registry.serde.data.SerdeMetadata;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;

/**
 * Remembers the last schema lookup of a serializer. Apicurio's resolver finds the id of a record's
 * schema again for every record: it prints the whole schema to JSON and looks that string up in its
 * cache. A sink writes one record class to one topic, so once the id is known it is the answer for
 * every following record with the same schema object and topic (an id never changes for a given
 * content, and auto-registration is find-or-create).
 */
final class MemoizingSchemaResolver<T> implements SchemaResolver<Schema, T> {
    private final SchemaResolver<Schema, T> inner;
    private Schema lastSchema;
    private String lastTopic;
    private SchemaLookupResult<Schema> last;

    MemoizingSchemaResolver(SchemaResolver<Schema, T> inner) {
        this.inner = inner;
    }

    @Override
    public void configure(Map<String, ?> configs, SchemaParser<Schema, T> schemaParser) {
        inner.configure(configs, schemaParser);
    }

    @Override
    public void setClientFacade(RegistryClientFacade clientFacade) {
        inner.setClientFacade(clientFacade);
    }

    @Override
    public void setArtifactResolverStrategy(ArtifactReferenceResolverStrategy<Schema, T> strategy) {
        inner.setArtifactResolverStrategy(strategy);
    }

    @Override
    public SchemaParser<Schema, T> getSchemaParser() {
        return inner.getSchemaParser();
    }

    @Override
    public SchemaLookupResult<Schema> resolveSchema(Record<T> data) {
        Schema schema = data.payload() instanceof GenericContainer g ? g.getSchema() : null;
        String topic = data.metadata() instanceof SerdeMetadata m ? m.getTopic() : null;
        if (schema != null && schema == lastSchema && topic != null && topic.equals(lastTopic)) {
            return last;
        }
        SchemaLookupResult<Schema> r = inner.resolveSchema(data);
        lastSchema = schema;
        lastTopic = topic;
        last = r;
        return r;
    }

    @Override
    public SchemaLookupResult<Schema> resolveSchemaByArtifactReference(ArtifactReference reference) {
        return inner.resolveSchemaByArtifactReference(reference);
    }

    @Override
    public void reset() {
        lastSchema = null;
        lastTopic = null;
        last = null;
        inner.reset();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
