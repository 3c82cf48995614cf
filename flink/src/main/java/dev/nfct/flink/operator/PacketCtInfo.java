package dev.nfct.flink.operator;

/**
 * What the entry hook made of one packet: its {@code ct state} and direction, as a firewall rule
 * downstream would match them ({@code new}/{@code established}/{@code related} with
 * {@code original}/{@code reply}, or {@code invalid}/{@code untracked} with {@code -}). A Flink POJO.
 */
public class PacketCtInfo {
    public String host;
    public long packetId;
    /** The hook of the observation (the Avro symbol name). */
    public String hook;

    public long timestampNs;
    public String state;
    public String direction;

    public PacketCtInfo() {}

    public PacketCtInfo(String host, long packetId, String hook, long timestampNs, String state, String direction) {
        this.host = host;
        this.packetId = packetId;
        this.hook = hook;
        this.timestampNs = timestampNs;
        this.state = state;
        this.direction = direction;
    }

    @Override
    public String toString() {
        return host + " " + packetId + " " + hook + " " + state + " " + direction;
    }
}
