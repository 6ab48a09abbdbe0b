/*
 * ingest.pml - a Promela model of OtlpGrains' durable ingest protocol (issue #12), checked by spin.
 *
 * What it is: senders that retry byte for byte, the gateway's content batch id, its fan-out to service grains and its
 * ack; each service grain's batch-log append, counting in log order, checkpoint with its log position, replay and log
 * pruning; the group-committed log in PostgreSQL with its two constraints; and the faults: a crash at any step, two
 * activations of one service at once, a database that refuses, loses its answer or times out (unknown outcome: the
 * statement may still commit later), a gateway timeout, a lost ack, a sender that gives up. Every step is one guarded
 * `atomic` action, as in a TLA+ next-state relation; its comment names the code it mirrors.
 *
 * Properties, checked when the run is over (every sender done, nothing in flight), after the last crash and a recovery
 * (restore the checkpoint, replay the log) of every service:
 *   (a) a batch the gateway acknowledged is counted exactly once by every service it touched;
 *   (b) a batch it never acknowledged is counted at most once;
 *   (c) never stuck: no invalid end state, i.e. no reachable state where nothing can move while a sender still waits
 *       or the final check has not run. Every fault has a budget, so once it is spent the database is up and every
 *       execution must end in the final check. (A non-progress search under weak fairness, -DNP and pan -l -f, would
 *       also exclude livelocks; it does not finish in minutes at these bounds, so the suite does not run it.)
 *
 * Variants (spin -DNAME):
 *   the code (no flag): the fenced log (FENCED_LOG, defined below): each activation raises its service's epoch
 *                     before its replay (IServiceBatchLog.FenceAsync, script 0008), and appends and replay reads
 *                     under a stale epoch fail.
 *   NO_FENCE          the code before the fence: FAILS - see README.md beside this file for the counterexamples.
 *   NO_LATE_COMMIT    a failed statement's fate is settled when its client hears of it (no late commits).
 *   IN_ORDER_COMMITS  one writer: an activation's appends commit in the order it made them.
 *   Mutants, one safeguard removed each, which must fail: NO_FENCE, ACK_BEFORE_APPEND, CHECKPOINT_WITHOUT_POSITION,
 *   REPLAY_FROM_WRONG_POSITION, NO_DUPLICATE_CHECK, NO_ETAG_CHECK.
 *
 * Run by hand (tests/OtlpGrains.Grains.Tests/IngestModelTests.cs does the same):
 *   spin -a ingest.pml && gcc -O2 -DSAFETY -DNOREDUCE -DCOLLAPSE -o pan pan.c && ./pan -m200000
 *   then read "errors: 0" and no "max search depth too small". A trail: spin -t ingest.pml | grep MSC
 */

#ifndef NO_FENCE
#define FENCED_LOG
#endif

/* ---------------------------------------------------------------- bounds (override with spin -DNAME=N) ---- */
#ifndef CRASHES
#define CRASHES 1        /* silo crashes: an activation dies at any step, its in-flight appends may still commit */
#endif
#ifndef DB_FAILS
#define DB_FAILS 1       /* database failures: a refusal, a lost answer or a timeout (a commit may come later) */
#endif
#ifndef DUPLICATES
#define DUPLICATES 1     /* times a second activation of a service starts while the first one still runs */
#endif
#ifndef TIMEOUTS
#define TIMEOUTS 1       /* gateway timeouts (IngestPipeline's grain timeout) while grain calls are still running */
#endif
#ifndef LOST_ACKS
#define LOST_ACKS 1      /* acks the sender never sees: it retries an acknowledged request */
#endif
#ifndef FAULTS
#define FAULTS 1         /* faults of all the kinds above together in one run */
#endif
#ifndef GIVE_UPS
#define GIVE_UPS 1       /* senders that stop retrying a refused request: their batch stays unacknowledged */
#endif

#define NS 2             /* services */
#define NB 2             /* senders, one request (one batch id) each */
#define SVC(b) ((b) == 0 -> 3 : 1)   /* services a batch touches: batch 0 fans out to both, batch 1 to service 0 */
#define NA 4             /* activation slots, two per service: act[2*s] and act[2*s+1] */
#define NOPS 8           /* grain calls and late database statements in flight at once */
#define MAXSEQ 8         /* log positions 1..MAXSEQ-1 per service */

/* ---------------------------------------------------------------- state -------------------------------------- */
/* Senders (an OTLP exporter with retry) and the gateway's view of the current attempt (IngestPipeline.DispatchAsync). */
#define IDLE 0           /* about to send (first time or a retry) */
#define WAIT 1           /* the gateway waits for the grain calls of this attempt (Task.WhenAll) */
#define DONE 2           /* saw the ack */
#define GAVE 3           /* gave up after a refusal */
byte snd[NB];
bit acked[NB];           /* the gateway answered this batch with an ack at least once: property (a) applies */
byte want[NB];           /* services whose grain call of the current attempt has not answered */
bit refused[NB];         /* a grain call of the current attempt failed: the gateway answers UNAVAILABLE */

/* Grain calls (IServiceGrain.Ingest*Async) and late statements. */
#define FREE 0
#define NET 1            /* sent by the gateway, not yet taken by an activation */
#define APPEND 2         /* taken, its append is queued or in the database (GroupCommitAppender) */
#define INS 3            /* the database answered: inserted */
#define DUP 4            /* the database answered: the log already held this batch id (ON CONFLICT DO NOTHING) */
#define ERR 5            /* the database answered with an error (the outcome may be unknown) */
#define JOIN 6           /* a retry that found its batch in flight in this activation and waits for it */
#define LATE 7           /* a statement whose client is gone (timeout, crash): it may still commit, or not */
typedef Op {
    byte st;
    byte bt;             /* the batch (request) */
    byte sv;             /* the service */
    byte at;             /* the activation that took it */
    byte seq;            /* the log position it reserved */
    bit orphan;          /* its answer goes nowhere: the gateway stopped waiting, or already answered */
    byte ep              /* with FENCED_LOG: the epoch of the activation that made the append */
};
Op op[NOPS];
byte nops;               /* ops not FREE */
byte opsof[NB];          /* ops not FREE, per batch (pruning waits for a batch's retry window to pass) */

/* The database: each service's batch log (0005_otlpgrains_batches.sql) and its checkpoint (grain storage). */
typedef Log { byte row[MAXSEQ] };   /* row[q] = batch + 1 at sequence q, 0 when there is none */
Log lg[NS];
typedef Ckpt {
    bit exists;
    byte applied;        /* ServiceCheckpoint.AppliedSequence */
    byte cnt[NB];        /* ServiceCheckpoint.Statistics: how many times each batch is counted */
    byte recent;         /* ServiceCheckpoint.RecentBatchIds, one bit per batch */
    byte etag            /* the ADO.NET grain storage's version of the row */
};
Ckpt ck[NS];
byte epoch[NS];          /* with FENCED_LOG: the service's log epoch, raised by each activation before its replay */

/* Activations of ServiceGrain (fields named after the grain's). */
#define DEAD 0
#define RESTORED 1       /* OnActivateAsync restored the checkpoint, the replay has not run yet */
#define READY 2
typedef Act {
    byte st;
    byte cnt[NB];        /* _statistics */
    byte recent;         /* _recent (RecentBatchIds) */
    byte applied;        /* _applied */
    byte ckpt;           /* _checkpointed */
    bit ckex;            /* checkpoint.RecordExists */
    byte etag;           /* the ETag this activation read or last wrote */
    byte reserved;       /* _reserved */
    byte head;           /* the next log position whose batch may be counted (the _inOrder chain) */
    bit failed;          /* _appendFailed */
    bit doomed;          /* a write hit InconsistentStateException: Orleans deactivates the activation */
    byte infl;           /* _inFlight, one bit per batch */
    byte okout;          /* how each in-flight batch ended (1 = answered normally), for the retries that joined it */
    byte busy;           /* requests in progress (an activation deactivates only when idle) */
    byte ep;             /* with FENCED_LOG: the epoch this activation took when it started */
    byte dbnext          /* with IN_ORDER_COMMITS: the number of its next append the database will answer */
};
Act act[NA];

/* Fault budgets. */
byte crashes = CRASHES;
byte dbfails = DB_FAILS;
byte dups = DUPLICATES;
byte timeouts = TIMEOUTS;
byte lostacks = LOST_ACKS;
byte giveups = GIVE_UPS;
byte faults = FAULTS;
#define CAN(budget) ((budget) > 0 && faults > 0)
#define USE(budget) budget--; faults--
bit finished;

/* Scratch for deterministic loops inside atomic steps: not part of the state (spin -DSCRATCH= for a BFS search). */
#ifndef SCRATCH
#define SCRATCH hidden
#endif
SCRATCH byte i_, j_, k_, r_, n_, hs_, hq_, hb_, he_;
SCRATCH short key1_, key2_;
SCRATCH Op tmp_;

/* ---------------------------------------------------------------- helpers ------------------------------------ */
#define BIT(b) (1 << (b))
#define DEADBATCH(b) (snd[b] >= DONE && opsof[b] == 0)

inline freeop(i) {
    opsof[op[i].bt]--; nops--;
    op[i].st = FREE; op[i].bt = 0; op[i].sv = 0; op[i].at = 0; op[i].seq = 0; op[i].orphan = 0; op[i].ep = 0
}

inline newop(st_, b_, s_, a_, seq_) {
    r_ = 0;
    do
    :: r_ < NOPS && op[r_].st != FREE -> r_++
    :: r_ < NOPS && op[r_].st == FREE -> break
    :: r_ == NOPS -> assert(false) /* NOPS too small for the bounds */
    od;
    op[r_].st = st_; op[r_].bt = b_; op[r_].sv = s_; op[r_].at = a_; op[r_].seq = seq_; op[r_].orphan = 0; op[r_].ep = he_;
    opsof[b_]++; nops++;
    r_ = 0
}

/*
 * Which slot an op sits in means nothing (no step keeps an op's index), so after each step the ops are sorted: states
 * that differ only in the order of their ops are then one state.
 */
#define OPKEY(i) ((op[i].st << 12) | (op[i].bt << 11) | (op[i].sv << 10) | (op[i].at << 8) | (op[i].seq << 5) | (op[i].orphan << 4) | op[i].ep)

inline canon() {
    for (i_ : 1 .. NOPS - 1) {
        for (j_ : 0 .. NOPS - 1 - i_) {
            key1_ = OPKEY(j_); key2_ = OPKEY(j_ + 1);
            if
            :: key1_ < key2_ ->
                tmp_.st = op[j_].st; tmp_.bt = op[j_].bt; tmp_.sv = op[j_].sv; tmp_.at = op[j_].at; tmp_.seq = op[j_].seq;
                tmp_.orphan = op[j_].orphan; tmp_.ep = op[j_].ep;
                op[j_].st = op[j_ + 1].st; op[j_].bt = op[j_ + 1].bt; op[j_].sv = op[j_ + 1].sv; op[j_].at = op[j_ + 1].at;
                op[j_].seq = op[j_ + 1].seq; op[j_].orphan = op[j_ + 1].orphan; op[j_].ep = op[j_ + 1].ep;
                op[j_ + 1].st = tmp_.st; op[j_ + 1].bt = tmp_.bt; op[j_ + 1].sv = tmp_.sv; op[j_ + 1].at = tmp_.at;
                op[j_ + 1].seq = tmp_.seq; op[j_ + 1].orphan = tmp_.orphan; op[j_ + 1].ep = tmp_.ep
            :: else
            fi
        }
    }
    i_ = 0; j_ = 0; key1_ = 0; key2_ = 0
}

/* The grain call's answer reaches the gateway (Task.WhenAll in IngestPipeline.DispatchAsync) unless it is orphaned. */
inline answer(i, ok) {
    if
    :: !op[i].orphan ->
        assert(snd[op[i].bt] == WAIT);
        want[op[i].bt] = want[op[i].bt] & ~BIT(op[i].sv);
        if
        :: !(ok) -> refused[op[i].bt] = 1
        :: else
        fi;
        op[i].orphan = 1
    :: else
    fi
}

/*
 * One INSERT ... ON CONFLICT (service, batch_id) DO NOTHING row (BatchLogGroupInsert.InsertAsync). The arbiter index
 * (service, batch_id) is checked first: a duplicate id is "not inserted", without error. A row on a taken sequence
 * (primary key (service, sequence), two activations) is an error that fails the whole group (BatchLogGroupInsert.
 * FlushAsync fails every append). Leaves INS, DUP or ERR in r_. A group of several appends commits atomically; the
 * model commits them one by one, which allows every order the silo's writers (BatchLogOptions.Writers, default 2)
 * can produce and more.
 */
#define INSERT_OP(i) hs_ = op[i].sv; hq_ = op[i].seq; hb_ = op[i].bt; he_ = op[i].ep; insert(hs_, hq_, hb_)

inline insert(s, q, b) {
    r_ = INS;
#ifdef FENCED_LOG
    if
    :: he_ != epoch[s] -> r_ = ERR   /* fenced: a newer activation of the service has taken over its log */
    :: else
    fi;
#endif
#ifndef NO_DUPLICATE_CHECK
    for (j_ : 1 .. MAXSEQ - 1) {
        if
        :: r_ == INS && lg[s].row[j_] == (b) + 1 -> r_ = DUP
        :: else
        fi
    }
    j_ = 0;
#endif
    if
    :: r_ == INS && lg[s].row[q] != 0 -> r_ = ERR   /* primary key (service, sequence) */
    :: r_ == INS && lg[s].row[q] == 0 -> lg[s].row[q] = (b) + 1
    :: else
    fi
}

inline resetact(a) {
    act[a].st = DEAD; act[a].recent = 0; act[a].applied = 0; act[a].ckpt = 0; act[a].ckex = 0; act[a].etag = 0;
    act[a].reserved = 0; act[a].head = 0; act[a].failed = 0; act[a].doomed = 0; act[a].infl = 0; act[a].okout = 0;
    act[a].busy = 0; act[a].dbnext = 0; act[a].ep = 0;
    for (j_ : 0 .. NB - 1) { act[a].cnt[j_] = 0 }
    j_ = 0
}

#ifdef FENCED_LOG
/* The replay reads the log only while the activation's epoch is current (one snapshot), else the activation fails. */
#define CURRENT_EPOCH(a) (act[a].ep == epoch[s])
#define STALE_REPLAY(a) \
    :: atomic { act[a].st == RESTORED && !CURRENT_EPOCH(a) -> printf("MSC: a%d fails its activation: fenced\n", a); resetact(a) }
/*
 * The fence (ServiceGrain.OnActivateAsync -> PostgresServiceBatchLog.FenceAsync, script 0008): before its replay an
 * activation raises its service's log epoch (an upsert that waits for the inserts holding the epoch row FOR SHARE),
 * and every insert carries its activation's epoch and fails when it is not the current one (BatchLogGroupInsert). So once an activation has replayed, no
 * row of an older activation or an older statement can appear in its service's log.
 */
inline fence(a, s) {
    epoch[s]++;
    act[a].ep = epoch[s];
    for (i_ : 0 .. NOPS - 1) {
        if
        :: op[i_].st == LATE && op[i_].sv == s ->
            if
            :: INSERT_OP(i_); r_ = 0
            :: skip
            fi;
            freeop(i_)
        :: else
        fi
    }
    i_ = 0
}
#else
#define CURRENT_EPOCH(a) true
#define STALE_REPLAY(a)
#endif

/* ServiceGrain.OnActivateAsync, first part: restore the checkpoint (state, AppliedSequence, RecentBatchIds, ETag). */
inline restore(a, s) {
    for (j_ : 0 .. NB - 1) { act[a].cnt[j_] = ck[s].cnt[j_] }
    j_ = 0;
    act[a].recent = ck[s].recent;
    act[a].applied = ck[s].applied;
    act[a].ckpt = ck[s].applied;
    act[a].ckex = ck[s].exists;
    act[a].etag = ck[s].etag;
    act[a].st = RESTORED;
#ifdef FENCED_LOG
    if
    :: !finished -> fence(a, s)
    :: else
    fi;
#endif
    printf("MSC: a%d restores the checkpoint of s%d: applied %d, etag %d\n", a, s, ck[s].applied, ck[s].etag)
}

/*
 * ServiceGrain.ReplayAsync: PostgresServiceBatchLog.ReadAfterAsync(sequence > _applied, in order) - one snapshot, since
 * a replay page (500 rows) holds the whole log here - adding each id to _recent, applying it, moving _applied. A gap
 * (a number whose append failed, found a duplicate, or was never sent) is skipped. Then _reserved = _applied.
 */
inline replay(a, s) {
#ifdef REPLAY_FROM_WRONG_POSITION
    n_ = act[a].applied;            /* mutant: reads from the checkpointed batch itself (>= instead of >) */
    if :: n_ == 0 -> n_ = 1 :: else fi;
#else
    n_ = act[a].applied + 1;
#endif
    for (j_ : n_ .. MAXSEQ - 1) {
        if
        :: lg[s].row[j_] != 0 ->
            act[a].recent = act[a].recent | BIT(lg[s].row[j_] - 1);
            act[a].cnt[lg[s].row[j_] - 1]++;
            act[a].applied = j_
        :: else
        fi
    }
    j_ = 0; n_ = 0;
    act[a].reserved = act[a].applied;
    act[a].head = act[a].applied + 1;
#ifdef IN_ORDER_COMMITS
    act[a].dbnext = act[a].head;
#endif
    act[a].st = READY;
    printf("MSC: a%d replays: applied %d, counts b0 %d b1 %d\n", a, act[a].applied, act[a].cnt[0], act[a].cnt[1])
}

/*
 * ServiceGrain.CheckpointAsync -> IPersistentState.WriteStateAsync (ADO.NET grain storage): state, AppliedSequence and
 * RecentBatchIds in one row, written only if the row still has the ETag this activation read (else
 * InconsistentStateException, and Orleans deactivates the activation: the reminder's call throws it).
 * The model writes the counted prefix at once: counting follows log order, so what has been counted at any moment is
 * what a checkpoint queued in the _inOrder chain at that moment (CheckpointInOrderAsync) would write.
 */
inline writeckpt(a, s) {
    for (j_ : 0 .. NB - 1) { ck[s].cnt[j_] = act[a].cnt[j_] }
    j_ = 0;
#ifndef CHECKPOINT_WITHOUT_POSITION
    ck[s].applied = act[a].applied;
#endif
    ck[s].recent = act[a].recent;
    ck[s].exists = 1;
    ck[s].etag++
}

#ifdef NO_ETAG_CHECK
#define ETAG_MATCHES(a, s) true
#else
#define ETAG_MATCHES(a, s) (act[a].etag == ck[s].etag)
#endif

inline checkpoint(a, s) {
    if
    :: ETAG_MATCHES(a, s) ->
        writeckpt(a, s);
        act[a].etag = ck[s].etag; act[a].ckpt = act[a].applied; act[a].ckex = 1;
        printf("MSC: a%d checkpoints: applied %d, counts b0 %d b1 %d\n", a, act[a].applied, act[a].cnt[0], act[a].cnt[1])
#ifndef NO_ETAG_CHECK
    :: act[a].etag != ck[s].etag -> act[a].doomed = 1; printf("MSC: a%d checkpoint: stale ETag\n", a)
#endif
    :: CAN(dbfails) -> USE(dbfails); printf("MSC: a%d checkpoint refused by the database\n", a)
    :: CAN(dbfails) && ETAG_MATCHES(a, s) -> USE(dbfails); writeckpt(a, s); printf("MSC: a%d checkpoint written, answer lost\n", a)
    fi
}

/* An activation dies (silo crash, or Orleans ends a duplicate): its calls fail, its appends may still commit. */
inline kill(a) {
    printf("MSC: a%d dies\n", a);
    for (i_ : 0 .. NOPS - 1) {
        if
        :: op[i_].st != FREE && op[i_].st != NET && op[i_].st != LATE && op[i_].at == a ->
            answer(i_, 0);
            if
#ifdef NO_LATE_COMMIT
            :: op[i_].st == APPEND -> /* its statement's fate is settled as the silo dies */
                if
                :: INSERT_OP(i_); r_ = 0
                :: skip
                fi;
                freeop(i_)
#else
            :: op[i_].st == APPEND -> op[i_].st = LATE; op[i_].at = 0; op[i_].orphan = 0
#endif
            :: op[i_].st != APPEND -> freeop(i_)
            fi
        :: else
        fi
    }
    i_ = 0;
    resetact(a)
}

/*
 * ServiceGrain.TakeAsync, the first turn: refuse after a failed append; skip a batch already taken (_recent); join a
 * retry to its batch still in flight (_inFlight); else reserve the next number (++_reserved) and start the append
 * (IServiceBatchLog.AppendAsync -> GroupCommitAppender.AppendAsync). The ack waits for the append.
 */
inline take(i, a) {
    if
    :: act[a].failed -> printf("MSC: a%d refuses b%d (append failed)\n", a, op[i].bt); answer(i, 0); freeop(i)
#ifndef NO_DUPLICATE_CHECK
    :: !act[a].failed && (act[a].recent & BIT(op[i].bt)) -> printf("MSC: a%d skips b%d (in _recent)\n", a, op[i].bt); answer(i, 1); freeop(i)
#endif
    :: !act[a].failed && !(act[a].recent & BIT(op[i].bt)) && (act[a].infl & BIT(op[i].bt)) ->
        op[i].st = JOIN; op[i].at = a; act[a].busy++; printf("MSC: a%d joins b%d to its append in flight\n", a, op[i].bt)
    :: else ->
        act[a].reserved++;
        assert(act[a].reserved < MAXSEQ);
        op[i].seq = act[a].reserved; op[i].at = a; op[i].st = APPEND; op[i].ep = act[a].ep;
        act[a].infl = act[a].infl | BIT(op[i].bt);
        act[a].okout = act[a].okout & ~BIT(op[i].bt);
        act[a].busy++;
        printf("MSC: a%d appends b%d as %d\n", a, op[i].bt, op[i].seq)
#ifdef ACK_BEFORE_APPEND
        ;answer(i, 1)   /* mutant: the grain answers before its append is committed */
#endif
    fi
}

/*
 * ServiceGrain.CountInOrderAsync, the batch's turn in log order (its number is the activation's next): a failed append
 * sets _appendFailed (DeactivateOnIdle) and fails the call; after a failed one, a committed batch is not counted but
 * answered normally (the next activation replays it); else the id joins _recent, and an inserted batch is applied
 * and moves _applied. A duplicate ("logged before, by an earlier activation") is answered without counting.
 */
inline turn(i, a) {
    printf("MSC: a%d turn of b%d (%d): %d\n", a, op[i].bt, op[i].seq, op[i].st);
    act[a].head++;
    act[a].infl = act[a].infl & ~BIT(op[i].bt);
    act[a].busy--;
    if
    :: op[i].st == ERR -> act[a].failed = 1; answer(i, 0)
    :: op[i].st != ERR && act[a].failed -> act[a].okout = act[a].okout | BIT(op[i].bt); answer(i, 1)
    :: op[i].st != ERR && !act[a].failed ->
        act[a].recent = act[a].recent | BIT(op[i].bt);
        if
        :: op[i].st == INS -> act[a].applied = op[i].seq; act[a].cnt[op[i].bt]++
        :: else
        fi;
        act[a].okout = act[a].okout | BIT(op[i].bt);
        answer(i, 1)
    fi;
    freeop(i)
}

/* ---------------------------------------------------------------- senders and the gateway -------------------- */
/* A call of this sender's request is taken by a ready activation of its service (Orleans routes it; with two
 * activations, either). */
#define DELIVER(i, k) \
    :: atomic { op[i].st == NET && op[i].bt == b && act[2 * op[i].sv + k].st == READY -> n_ = 2 * op[i].sv + k; take(i, n_); n_ = 0; canon() }

proctype Sender(byte b) {
    do
    /* A request (first time, or a byte-for-byte retry: BatchIds.Of gives the same batch id), one call per service
     * (IngestPipeline.IngestTracesAsync's plan.Services). */
    :: atomic {
        snd[b] == IDLE ->
            want[b] = SVC(b); refused[b] = 0; snd[b] = WAIT; printf("MSC: sender %d sends b%d\n", b, b);
            for (i_ : 0 .. NS - 1) {
                if
                :: want[b] & BIT(i_) -> he_ = 0; newop(NET, b, i_, 0, 0)
                :: else
                fi
            }
            i_ = 0; canon()
       }
    DELIVER(0, 0) DELIVER(0, 1) DELIVER(1, 0) DELIVER(1, 1) DELIVER(2, 0) DELIVER(2, 1) DELIVER(3, 0) DELIVER(3, 1)
    DELIVER(4, 0) DELIVER(4, 1) DELIVER(5, 0) DELIVER(5, 1) DELIVER(6, 0) DELIVER(6, 1) DELIVER(7, 0) DELIVER(7, 1)
    /* Every call answered (Task.WhenAll): an ack only when all accepted, else UNAVAILABLE (the sender retries or
     * gives up). An ack may be lost on the way: the sender retries an acknowledged request. */
    :: atomic {
        snd[b] == WAIT && want[b] == 0 ->
            if
            :: refused[b] -> snd[b] = IDLE; printf("MSC: gateway refuses b%d, the sender retries\n", b)
            :: refused[b] && giveups > 0 -> giveups--; snd[b] = GAVE; printf("MSC: gateway refuses b%d, the sender gives up\n", b)
            :: !refused[b] -> acked[b] = 1; snd[b] = DONE; printf("MSC: gateway ACKS b%d\n", b)
            :: !refused[b] && CAN(lostacks) -> acked[b] = 1; USE(lostacks); snd[b] = IDLE; printf("MSC: gateway ACKS b%d, the ack is lost\n", b)
            fi;
            refused[b] = 0
       }
    /* The gateway's grain timeout (WaitAsync(_grainTimeout)): UNAVAILABLE while calls still run; they go on, their
     * answers go nowhere. */
    :: atomic {
        snd[b] == WAIT && want[b] != 0 && CAN(timeouts) ->
            USE(timeouts); printf("MSC: gateway times out on b%d\n", b);
            for (i_ : 0 .. NOPS - 1) {
                if
                :: op[i_].st != FREE && op[i_].st != LATE && op[i_].bt == b -> op[i_].orphan = 1
                :: else
                fi
            }
            i_ = 0; want[b] = 0; refused[b] = 0; snd[b] = IDLE; canon()
       }
    :: snd[b] >= DONE && opsof[b] == 0 -> break
    od
}

/* ---------------------------------------------------------------- service grains ----------------------------- */
#define SLOT(k) \
    /* OnActivateAsync on a message or reminder when no activation runs; or a second one, which Orleans may run \
     * briefly during membership changes. */ \
    :: atomic { !finished && act[2 * s + k].st == DEAD && k == 0 && act[2 * s + 1].st == DEAD -> restore(2 * s + k, s); canon() } \
    :: atomic { !finished && act[2 * s + k].st == DEAD && act[2 * s + 1 - k].st != DEAD && CAN(dups) -> \
                USE(dups); restore(2 * s + k, s); canon() } \
    :: atomic { act[2 * s + k].st == RESTORED && CURRENT_EPOCH(2 * s + k) -> replay(2 * s + k, s) } \
    STALE_REPLAY(2 * s + k) \
    /* The checkpoint timer, the housekeeping reminder and OnDeactivateAsync: CheckpointInOrderAsync, skipped when \
     * _applied == _checkpointed and the record exists. */ \
    :: atomic { act[2 * s + k].st == READY && !act[2 * s + k].doomed && \
                (act[2 * s + k].applied != act[2 * s + k].ckpt || !act[2 * s + k].ckex) -> checkpoint(2 * s + k, s) } \
    /* ReceiveReminder -> PostgresServiceBatchLog.PruneAsync: rows numbered up to _checkpointed and older than the \
     * retry window (AppliedBatchRetentionSeconds, 600 s): here, batches whose sender is done and nothing of which \
     * moves, and never while a duplicate activation runs (Orleans ends one within seconds, a minute at most). */ \
    :: atomic { act[2 * s + k].st == READY && act[2 * s + 1 - k].st == DEAD && PRUNABLE(2 * s + k) -> \
                for (j_ : 1 .. MAXSEQ - 1) { \
                    if \
                    :: PR(2 * s + k, j_) -> lg[s].row[j_] = 0; printf("MSC: a%d prunes %d\n", 2 * s + k, j_) \
                    :: else \
                    fi \
                } \
                j_ = 0 } \
    /* DeactivateOnIdle after a failed append, or after InconsistentStateException: once no request runs. */ \
    :: atomic { act[2 * s + k].st == READY && (act[2 * s + k].failed || act[2 * s + k].doomed) && act[2 * s + k].busy == 0 -> \
                printf("MSC: a%d deactivates\n", 2 * s + k); resetact(2 * s + k) }

#define PR(a, q) ((q) <= act[a].ckpt && lg[s].row[q] != 0 && DEADBATCH(lg[s].row[q] - 1))
#define PRUNABLE(a) (PR(a, 1) || PR(a, 2) || PR(a, 3) || PR(a, 4) || PR(a, 5) || PR(a, 6) || PR(a, 7))

/* The _inOrder chain: a batch whose append has answered is counted when its number is next; a joined retry is
 * answered as its batch was (TakeAsync's `await first`). */
#define TURN(i) \
    :: atomic { op[i].sv == s && (op[i].st == INS || op[i].st == DUP || op[i].st == ERR) && \
                op[i].seq == act[op[i].at].head -> n_ = op[i].at; turn(i, n_); n_ = 0; canon() } \
    :: atomic { op[i].sv == s && op[i].st == JOIN && !(act[op[i].at].infl & BIT(op[i].bt)) -> \
                act[op[i].at].busy--; r_ = (act[op[i].at].okout & BIT(op[i].bt)) != 0; answer(i, r_); r_ = 0; freeop(i); canon() }

proctype Grain(byte s) {
end:
    do
    SLOT(0)
    SLOT(1)
    TURN(0) TURN(1) TURN(2) TURN(3) TURN(4) TURN(5) TURN(6) TURN(7)
    od
}

/* ---------------------------------------------------------------- the database -------------------------------- */
#ifdef NO_LATE_COMMIT
#define LATE_FAILURE(i)
#else
#define LATE_FAILURE(i) \
    :: hs_ = op[i].sv; hq_ = op[i].seq; hb_ = op[i].bt; he_ = op[i].ep; newop(LATE, hb_, hs_, 0, hq_); \
       printf("MSC: db times out on b%d as %d of s%d (the statement lives on)\n", op[i].bt, op[i].seq, op[i].sv)
#endif

/* A writer's group commit (GroupCommitAppender.WriteAsync -> BatchLogGroupInsert.FlushAsync) answers an append: its
 * row's fate, or a failure: refused (nothing committed), committed with the answer lost, or timed out (the statement
 * lives on in the server and may commit later: unknown outcome). A late statement commits or aborts at any time. */
#ifdef IN_ORDER_COMMITS
/* One writer (BatchLogOptions.Writers = 1): an activation's appends commit in the order it made them. */
#define NEXT_APPEND(i) (op[i].seq == act[op[i].at].dbnext)
#else
#define NEXT_APPEND(i) true
#endif
#ifdef IN_ORDER_COMMITS
#define APPENDED(i) act[op[i].at].dbnext++;
#else
#define APPENDED(i)
#endif
#define COMMIT(i) \
    :: atomic { op[i].st == APPEND && NEXT_APPEND(i) -> APPENDED(i) INSERT_OP(i); op[i].st = r_; r_ = 0; \
                printf("MSC: db commits b%d as %d of s%d: %d\n", op[i].bt, op[i].seq, op[i].sv, op[i].st); canon() } \
    :: atomic { op[i].st == APPEND && NEXT_APPEND(i) && CAN(dbfails) -> \
                USE(dbfails); APPENDED(i) \
                if \
                :: printf("MSC: db refuses b%d as %d of s%d\n", op[i].bt, op[i].seq, op[i].sv) \
                :: INSERT_OP(i); r_ = 0; \
                   printf("MSC: db commits b%d as %d of s%d, the answer is lost\n", op[i].bt, op[i].seq, op[i].sv) \
                LATE_FAILURE(i) \
                fi; \
                op[i].st = ERR; canon() } \
    :: atomic { op[i].st == LATE -> \
                if \
                :: INSERT_OP(i); r_ = 0; \
                   printf("MSC: late statement commits b%d as %d of s%d\n", op[i].bt, op[i].seq, op[i].sv) \
                :: printf("MSC: late statement of b%d aborts\n", op[i].bt) \
                fi; \
                freeop(i); canon() }

proctype Db() {
end:
    do
    COMMIT(0) COMMIT(1) COMMIT(2) COMMIT(3) COMMIT(4) COMMIT(5) COMMIT(6) COMMIT(7)
    od
}

/* ---------------------------------------------------------------- faults ------------------------------------- */
/* A silo crash (budgeted), or Orleans ending one of two activations of a service (the duplicate already paid its
 * budget): either way abruptly, without OnDeactivateAsync; a graceful end is a checkpoint step followed by this. */
#define KILL(a) \
    :: atomic { !finished && CAN(crashes) && act[a].st != DEAD -> USE(crashes); kill(a); canon() } \
    :: atomic { !finished && act[a].st != DEAD && act[a ^ 1].st != DEAD -> kill(a); canon() }

proctype Faults() {
end:
    do
    KILL(0) KILL(1) KILL(2) KILL(3)
    od
}

/* ---------------------------------------------------------------- the final state ---------------------------- */
/* When every sender is done and nothing is in flight: the last crash, then a recovery of every service (restore and
 * replay, as OnActivateAsync does), and the properties. */
active proctype Final() {
    atomic {
        snd[0] >= DONE && snd[1] >= DONE && nops == 0 ->
            finished = 1;
            for (k_ : 0 .. NA - 1) { kill(k_) }
            for (k_ : 0 .. NS - 1) { restore(2 * k_, k_); replay(2 * k_, k_) }
            for (i_ : 0 .. NS - 1) {
                for (r_ : 0 .. NB - 1) {
                    if
                    :: SVC(r_) & BIT(i_) ->
                        printf("MSC: final: s%d counts b%d %d times (acked %d)\n", i_, r_, act[2 * i_].cnt[r_], acked[r_]);
                        if
                        :: acked[r_] -> assert(act[2 * i_].cnt[r_] == 1)   /* (a) acknowledged: exactly once */
                        :: else -> assert(act[2 * i_].cnt[r_] <= 1)       /* (b) not acknowledged: at most once */
                        fi
                    :: else -> assert(act[2 * i_].cnt[r_] == 0)
                    fi
                }
            }
            for (k_ : 0 .. NA - 1) { resetact(k_) }
            i_ = 0; r_ = 0; k_ = 0
    }
}

init {
    atomic {
        run Sender(0); run Sender(1);
        run Grain(0); run Grain(1);
        run Db();
        run Faults()
    }
}
