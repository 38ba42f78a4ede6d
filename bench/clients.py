"""What the benchmarks' Python clients share: running N client threads to
the end, and percentiles."""
import threading


def run_threads(target, count):
    """Runs target(k) for k in 0..count-1, each in its own thread, and waits
    for all of them."""
    threads = [threading.Thread(target=target, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def percentile(values, q):
    """The q-th percentile (nearest rank) of values; None when empty."""
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q / 100 * (len(v) - 1))))] if v else None
