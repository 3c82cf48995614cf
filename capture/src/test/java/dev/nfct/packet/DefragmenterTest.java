package dev.nfct.packet;

import static dev.nfct.packet.Pkt.cat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DefragmenterTest {
    private static final String SRC = "192.0.2.1", DST = "192.0.2.2";
    private static final byte[] UDP = Pkt.udp(4000, 7, filled(40, 0x30));

    private final Defragmenter defrag = new Defragmenter();

    private static byte[] filled(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }

    private static byte[] v4Frag(int id, int from, int to, boolean more) {
        return Pkt.ipv4(17, SRC, DST, id, from, more, Arrays.copyOfRange(UDP, from, to));
    }

    private Defragmenter.Datagram offer(byte[] datagram, int frame) {
        return defrag.offer(datagram, 0, datagram.length, frame);
    }

    private static byte[] bytesOf(Defragmenter.Datagram d) {
        return Arrays.copyOfRange(d.buf(), d.offset(), d.offset() + d.length());
    }

    /** The reassembled header differs from a freshly built one only by its (now computed) checksum. */
    private static void assertSameDatagramIgnoringChecksum(byte[] actual, byte[] expected) {
        assertThat(Ipv4Checksum.of(actual, 0, 20))
                .as("header checksum verifies")
                .isZero();
        byte[] a = actual.clone();
        a[10] = 0;
        a[11] = 0;
        assertThat(a).containsExactly(expected);
    }

    @Test
    void unfragmentedDatagramPassesThroughWithoutCopy() {
        byte[] whole = cat(new byte[3], Pkt.ipv4(17, SRC, DST, UDP));

        Defragmenter.Datagram d = defrag.offer(whole, 3, whole.length - 3, 9);

        assertThat(d.buf()).isSameAs(whole);
        assertThat(d.offset()).isEqualTo(3);
        assertThat(d.frameNumber()).isEqualTo(9);
        assertThat(d.absorbedFrames()).isEmpty();
    }

    @Test
    void ipv4FragmentsInOrderAreReleasedWhenTheLastArrives() {
        assertThat(offer(v4Frag(77, 0, 16, true), 1)).isNull();
        assertThat(offer(v4Frag(77, 16, 32, true), 2)).isNull();
        Defragmenter.Datagram d = offer(v4Frag(77, 32, 48, false), 3);

        assertThat(d.frameNumber()).isEqualTo(1);
        assertThat(d.absorbedFrames()).containsExactly(2, 3);
        assertSameDatagramIgnoringChecksum(bytesOf(d), Pkt.ipv4(17, SRC, DST, 77, 0, false, UDP));
        assertThat(defrag.heldFrames()).isEmpty();
    }

    @Test
    void ipv4FragmentsOutOfOrderAreAttributedToTheOffsetZeroFrame() {
        assertThat(offer(v4Frag(5, 32, 48, false), 10)).isNull();
        assertThat(offer(v4Frag(5, 0, 16, true), 11)).isNull();
        Defragmenter.Datagram d = offer(v4Frag(5, 16, 32, true), 12);

        assertThat(d.frameNumber()).isEqualTo(11);
        assertThat(d.absorbedFrames()).containsExactly(10, 12);
        assertSameDatagramIgnoringChecksum(bytesOf(d), Pkt.ipv4(17, SRC, DST, 5, 0, false, UDP));
    }

    @Test
    void dontFragmentBitSurvivesWhileMoreFragmentsIsCleared() {
        byte[] first = v4Frag(8, 0, 24, true);
        first[6] |= 0x40;
        offer(first, 1);
        byte[] whole = bytesOf(offer(v4Frag(8, 24, 48, false), 2));

        assertThat(Bytes.u16(whole, 6)).isEqualTo(0x4000);
        assertThat(Bytes.u16(whole, 2)).isEqualTo(20 + UDP.length);
    }

    @Test
    void fragmentsOfDifferentDatagramsDoNotMix() {
        offer(v4Frag(1, 0, 16, true), 1);
        offer(Pkt.ipv4(6, SRC, DST, 1, 16, false, new byte[8]), 2); // same id, other protocol
        offer(v4Frag(2, 16, 48, false), 3); // other id

        assertThat(defrag.heldFrames()).containsExactly(1, 2, 3);
        assertThat(offer(v4Frag(1, 16, 48, false), 4).absorbedFrames()).containsExactly(4);
        assertThat(defrag.heldFrames()).containsExactly(2, 3);
    }

    @Test
    void overlappingFragmentsDropTheWholeDatagramAsTheKernelDoes() {
        byte[] original = Arrays.copyOfRange(UDP, 0, 24);
        byte[] later = Arrays.copyOfRange(UDP, 16, 48); // bytes 16..23 a second time
        assertThat(offer(Pkt.ipv4(17, SRC, DST, 3, 0, true, original), 1)).isNull();
        assertThat(offer(Pkt.ipv4(17, SRC, DST, 3, 16, false, later), 2))
                .as("no datagram: conntrack never sees it")
                .isNull();
        assertThat(defrag.heldFrames()).containsExactly(1, 2);
        // The same id later starts a datagram of its own.
        assertThat(offer(Pkt.ipv4(17, SRC, DST, 3, 0, true, original), 3)).isNull();
        Defragmenter.Datagram d = offer(Pkt.ipv4(17, SRC, DST, 3, 24, false, Arrays.copyOfRange(UDP, 24, 48)), 4);
        assertSameDatagramIgnoringChecksum(bytesOf(d), Pkt.ipv4(17, SRC, DST, 3, 0, false, UDP));
    }

    @Test
    void duplicateFragmentsAreAbsorbedToo() {
        offer(v4Frag(4, 0, 24, true), 1);
        offer(v4Frag(4, 0, 24, true), 2);
        Defragmenter.Datagram d = offer(v4Frag(4, 24, 48, false), 3);

        assertThat(d.frameNumber()).isEqualTo(1);
        assertThat(d.absorbedFrames()).containsExactly(2, 3);
    }

    @Test
    void aFragmentInsideARunOfHeldFragmentsIsADuplicateDroppedAlone() {
        // The kernel runner (6.18): [0,24) then [24,48) arrived in order form one run; a fragment
        // at [8,24) lies inside it and is dropped alone, so the datagram still completes.
        offer(v4Frag(5, 0, 24, true), 1);
        offer(v4Frag(5, 24, 40, true), 2);
        assertThat(offer(v4Frag(5, 8, 24, true), 3)).isNull();
        Defragmenter.Datagram d = offer(v4Frag(5, 40, 48, false), 4);
        assertThat(d).isNotNull();
        assertThat(d.frameNumber()).isEqualTo(1);
        assertThat(d.absorbedFrames()).containsExactly(2, 3, 4);
    }

    @Test
    void aFragmentAcrossTwoRunsOverlapsAndDropsTheDatagram() {
        // [0,8) and [16,24) are runs of their own (not contiguous); [0,24) fits inside neither.
        offer(v4Frag(6, 16, 24, true), 1);
        offer(v4Frag(6, 0, 8, true), 2);
        assertThat(offer(v4Frag(6, 0, 24, true), 3)).isNull();
        assertThat(offer(v4Frag(6, 24, 48, false), 4))
                .as("a new datagram without its start")
                .isNull();
        assertThat(defrag.heldFrames()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void incompleteDatagramsNeverEmergeAndTheirFramesAreListed() {
        assertThat(offer(v4Frag(9, 0, 16, true), 4)).isNull();
        assertThat(offer(v4Frag(9, 32, 48, false), 6)).isNull();
        assertThat(offer(Pkt.ipv4(17, SRC, DST, UDP), 5)).isNotNull();

        assertThat(defrag.heldFrames()).containsExactly(4, 6);
    }

    @Test
    void missingFirstFragmentKeepsTheDatagramHeld() {
        offer(v4Frag(9, 16, 32, true), 1);
        offer(v4Frag(9, 32, 48, false), 2);

        assertThat(defrag.heldFrames()).containsExactly(1, 2);
    }

    private static final String SRC6 = "2001:db8::1", DST6 = "2001:db8::2";

    private static byte[] v6Frag(int from, int to, boolean more) {
        byte[] after = cat(Pkt.ext8(44), Pkt.fragmentHeader(17, from, more, 0xCAFE), Arrays.copyOfRange(UDP, from, to));
        return Pkt.ipv6(0, SRC6, DST6, after);
    }

    @Test
    void ipv6FragmentsLoseTheFragmentHeaderAndFixThePrecedingNextHeader() {
        assertThat(offer(v6Frag(24, 48, false), 1)).isNull();
        Defragmenter.Datagram d = offer(v6Frag(0, 24, true), 2);

        assertThat(d.frameNumber()).isEqualTo(2);
        assertThat(d.absorbedFrames()).containsExactly(1);
        assertThat(bytesOf(d)).containsExactly(Pkt.ipv6(0, SRC6, DST6, cat(Pkt.ext8(17), UDP)));
    }

    @Test
    void ipv6FragmentHeaderRightAfterTheFixedHeaderIsHandled() {
        offer(Pkt.ipv6(44, SRC6, DST6, cat(Pkt.fragmentHeader(17, 0, true, 1), Arrays.copyOf(UDP, 32))), 1);
        Defragmenter.Datagram d = offer(
                Pkt.ipv6(44, SRC6, DST6, cat(Pkt.fragmentHeader(17, 32, false, 1), Arrays.copyOfRange(UDP, 32, 48))),
                2);

        assertThat(bytesOf(d)).containsExactly(Pkt.ipv6(17, SRC6, DST6, UDP));
    }

    @Test
    void atomicIpv6FragmentIsReassembledAtOnceWithoutItsFragmentHeader() {
        // The kernel runner (6.18) shows the entry counting the datagram 8 bytes shorter: the
        // fragment header is gone, as after any reassembly.
        byte[] atomic = Pkt.ipv6(44, SRC6, DST6, cat(Pkt.fragmentHeader(17, 0, false, 2), UDP));

        Defragmenter.Datagram d = offer(atomic, 1);
        assertThat(bytesOf(d)).containsExactly(Pkt.ipv6(17, SRC6, DST6, UDP));
        assertThat(d.frameNumber()).isEqualTo(1);
        assertThat(defrag.heldFrames()).isEmpty();
    }

    // ------------------------------------------------------------------ limits

    private static final long SECOND = 1_000_000_000L;

    private Defragmenter.Datagram offerAt(Defragmenter d, byte[] datagram, int frame, long seconds) {
        return d.offer(datagram, 0, datagram.length, frame, seconds * SECOND);
    }

    @Test
    void ipv4DatagramIsGivenUpThirtySecondsAfterItsFirstFragment() {
        assertThat(offerAt(defrag, v4Frag(3, 0, 16, true), 1, 100)).isNull();
        assertThat(offerAt(defrag, v4Frag(3, 16, 32, true), 2, 129)).isNull();
        // at 130 s the datagram is given up before the last fragment is looked at: that one starts
        // a new datagram, which lacks the others
        assertThat(offerAt(defrag, v4Frag(3, 32, 48, false), 3, 130)).isNull();

        assertThat(defrag.heldFrames()).containsExactly(1, 2, 3);
        assertThat(defrag.heldBytes()).isEqualTo(20 + 16);
    }

    @Test
    void ipv4DatagramCompletedInsideThirtySecondsIsReleased() {
        offerAt(defrag, v4Frag(3, 0, 16, true), 1, 100);
        offerAt(defrag, v4Frag(3, 16, 32, true), 2, 115);
        Defragmenter.Datagram d = offerAt(defrag, v4Frag(3, 32, 48, false), 3, 129);

        assertThat(d).isNotNull();
        assertThat(d.absorbedFrames()).containsExactly(2, 3);
        assertThat(defrag.heldBytes()).isZero();
    }

    @Test
    void ipv6DatagramHasSixtySeconds() {
        assertThat(offerAt(defrag, v6Frag(24, 48, false), 1, 0)).isNull();
        assertThat(offerAt(defrag, v6Frag(0, 24, true), 2, 59)).isNotNull();

        assertThat(offerAt(defrag, v6Frag(24, 48, false), 3, 100)).isNull();
        assertThat(offerAt(defrag, v6Frag(0, 24, true), 4, 160)).isNull();
        assertThat(defrag.heldFrames()).containsExactly(3, 4);
    }

    @Test
    void withoutATimeNothingExpires() {
        offer(v4Frag(3, 0, 16, true), 1);
        offerAt(defrag, Pkt.ipv4(17, SRC, DST, UDP), 2, Long.MAX_VALUE / SECOND);

        assertThat(defrag.offer(v4Frag(3, 16, 48, false), 0, 20 + 32, 3)).isNotNull();
    }

    @Test
    void fragmentsOverTheMemoryLimitAreDroppedAndListed() {
        Defragmenter small = new Defragmenter(130);
        assertThat(offerAt(small, v4Frag(1, 0, 16, true), 1, 0)).isNull(); // 36 bytes held
        assertThat(offerAt(small, v4Frag(2, 0, 16, true), 2, 0)).isNull(); // 72
        assertThat(offerAt(small, Pkt.ipv4(17, SRC, DST, UDP), 3, 0)).isNotNull(); // whole: not counted
        assertThat(offerAt(small, v4Frag(1, 16, 48, false), 4, 0)).isNotNull(); // 124, completes: 36
        assertThat(small.heldBytes()).isEqualTo(36);

        assertThat(offerAt(small, v4Frag(5, 0, 16, true), 5, 0)).isNull(); // 72
        assertThat(offerAt(small, v4Frag(6, 0, 16, true), 6, 0)).isNull(); // 108
        assertThat(offerAt(small, v4Frag(7, 0, 16, true), 7, 0)).isNull(); // 144 > 130: dropped
        assertThat(offerAt(small, v4Frag(2, 16, 48, false), 8, 0)).isNull(); // 160: dropped too
        assertThat(small.heldBytes()).isEqualTo(108);
        assertThat(small.heldFrames()).containsExactly(2, 5, 6, 7, 8);
    }
}
