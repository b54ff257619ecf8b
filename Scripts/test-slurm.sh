#!/bin/bash
# Starts a real single-node Slurm cluster on this machine (Debian's slurm-wlm and munge; root),
# runs Examples/cluster/slurm-sweep.sh as a 4-task job array with its dependent merge job, and
# checks that the merged sweep equals the unsharded sweep byte for byte.
#
#   bash Scripts/test-slurm.sh            (EINSIM=path/to/einsim to use a built binary)
#
# The daemons it starts (munged, slurmctld, slurmd) are stopped by their process ids at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ "$(id -u)" != 0 ]; then echo "test-slurm: needs root (it starts munged, slurmctld and slurmd)" >&2; exit 2; fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
if [ -z "${EINSIM:-}" ]; then
    swift build --product einsim >/dev/null
    EINSIM="$(swift build --show-bin-path)/einsim"
fi
export EINSIM EINSIM_CASCADES="$ROOT/Examples/cascades" EINSIM_PROFILES="$ROOT/HardwareProfiles"

WORK=$(mktemp -d /tmp/einsim-slurm.XXXXXX)
cleanup() {
    for pidfile in "$WORK/slurmd.pid" "$WORK/slurmctld.pid"; do
        [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    [ -n "${MUNGE_PID:-}" ] && kill "$MUNGE_PID" 2>/dev/null || true
    sleep 1
    [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

# munge: a key, its run directory, the daemon (as the munge user).
if [ ! -s /etc/munge/munge.key ]; then mungekey -f >/dev/null 2>&1 || mungekey -c -f; fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n </dev/null >/dev/null 2>&1; then
    su -s /bin/sh munge -c "/usr/sbin/munged --pid-file=/run/munge/munged.pid"
    sleep 1
    MUNGE_PID=$(cat /run/munge/munged.pid)
fi

# Slurm: a one-node cluster whose configuration and state live in $WORK.
HOST=$(hostname -s)
MEM=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/out"
cat > "$WORK/slurm.conf" <<EOF
ClusterName=einsim-test
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$HOST CPUs=$(nproc) RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$WORK/slurm.conf
/usr/sbin/slurmctld
/usr/sbin/slurmd
for _ in $(seq 1 60); do
    sinfo -h -o %t 2>/dev/null | grep -q idle && break
    sleep 1
done
sinfo -h -o %t | grep -q idle || { echo "test-slurm: the node did not come up"; tail -20 "$WORK"/slurm*.log; exit 1; }

# The sweep: unsharded here, then the job array and its merge through Slurm.
SWEEP="$ROOT/Examples/sweeps/h100-decode-bandwidth.xml"
"$EINSIM" sweep "$SWEEP" --format csv --output "$WORK/unsharded.csv"
cd "$WORK"
sbatch --wait --array=1-4 --cpus-per-task=1 --export=ALL,SWEEP="$SWEEP",OUT="$WORK/out" "$ROOT/Examples/cluster/slurm-sweep.sh" >/dev/null
for _ in $(seq 1 120); do
    [ -z "$(squeue -h 2>/dev/null)" ] && [ -s "$WORK/out/sweep.csv" ] && break
    sleep 1
done
if ! cmp -s "$WORK/unsharded.csv" "$WORK/out/sweep.csv"; then
    echo "test-slurm: FAILED: the merged sweep differs from the unsharded one" >&2
    ls -la "$WORK/out" >&2; cat "$WORK"/out/merge.log "$WORK"/einsim-sweep-*.log 2>/dev/null | tail -20 >&2
    KEEP=1
    exit 1
fi
echo "test-slurm: 4 shards through a Slurm job array, merged by a dependent job: equal to the unsharded sweep ($(wc -l < "$WORK/out/sweep.csv") lines)"
