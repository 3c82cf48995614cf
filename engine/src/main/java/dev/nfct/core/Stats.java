package dev.nfct.core;

/** The counters {@code conntrack -S} prints (those that still change on 6.x kernels). */
public final class Stats {
    public long found;
    public long invalid;
    public long insert;
    public long insertFailed;
    public long drop;
    public long earlyDrop;
    public long error;
    public long expectNew;
    public long expectCreate;
    public long expectDelete;
    public long searchRestart;
    public long clashResolve;
    public long chainTooLong;
    /**
     * Packets that already carried an entry when they reached an entry hook (one looped back over
     * the loopback interface): conntrack leaves them alone. Kernels before 5.x showed it in
     * {@code conntrack -S}; it is counted here for the job's hook model.
     */
    public long ignore;

    /** One line in the layout of {@code conntrack -S} (a single pseudo-CPU). */
    public String render(long entries) {
        return "cpu=0   \tfound=" + found + " invalid=" + invalid + " insert=" + insert
                + " insert_failed=" + insertFailed + " drop=" + drop + " early_drop=" + earlyDrop
                + " error=" + error + " search_restart=" + searchRestart
                + " clash_resolve=" + clashResolve + " chaintoolong=" + chainTooLong
                + "\nentries=" + entries;
    }

    public void add(Stats o) {
        found += o.found;
        invalid += o.invalid;
        ignore += o.ignore;
        insert += o.insert;
        insertFailed += o.insertFailed;
        drop += o.drop;
        earlyDrop += o.earlyDrop;
        error += o.error;
        expectNew += o.expectNew;
        expectCreate += o.expectCreate;
        expectDelete += o.expectDelete;
        searchRestart += o.searchRestart;
        clashResolve += o.clashResolve;
        chainTooLong += o.chainTooLong;
    }
}
