#!/bin/bash
# A sweep split over a Slurm job array, then merged by a dependent job.
#
#   sbatch Examples/cluster/slurm-sweep.sh                 # N shards (default 4), then the merge
#   SHARDS=16 SWEEP=Examples/sweeps/block-sparse-density.xml sbatch --array=1-16 Examples/cluster/slurm-sweep.sh
#
# Each array task runs shard K/N of the sweep into $OUT/shard-K.csv (complete rows only; a task
# that is preempted or killed continues where it stopped when it runs again, through --resume).
# The last step submits `einsim merge`, which checks that every shard is there once and that all
# belong to the same sweep (digest of the sweep and the profiles), into $OUT/sweep.csv.
# On a real cluster $OUT must be on a shared file system.
#SBATCH --job-name=einsim-sweep
#SBATCH --array=1-4
#SBATCH --cpus-per-task=2
#SBATCH --output=einsim-sweep-%A-%a.log
set -euo pipefail

EINSIM=${EINSIM:-einsim}
SWEEP=${SWEEP:-Examples/sweeps/h100-decode-bandwidth.xml}
OUT=${OUT:-sweep-out}
SHARDS=${SLURM_ARRAY_TASK_COUNT:-${SHARDS:-4}}
mkdir -p "$OUT"

if [ "${1:-}" = "--merge" ]; then
    shards=()
    for k in $(seq 1 "$SHARDS"); do shards+=("$OUT/shard-$k.csv"); done
    exec "$EINSIM" merge "${shards[@]}" --output "$OUT/sweep.csv"
fi

if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
    echo "run through sbatch (a job array), or set SLURM_ARRAY_TASK_ID=K SLURM_ARRAY_TASK_COUNT=N" >&2
    exit 2
fi
K=$SLURM_ARRAY_TASK_ID
EINSIM_THREADS=${SLURM_CPUS_PER_TASK:-2} "$EINSIM" sweep "$SWEEP" --format csv \
    --shard "$K/$SHARDS" --output "$OUT/shard-$K.csv" --resume

# The first task submits the merge, to run once every task of the array has succeeded.
if [ "$K" = "1" ] && [ -n "${SLURM_ARRAY_JOB_ID:-}" ] && [ -z "${EINSIM_NO_MERGE:-}" ]; then
    sbatch --dependency=afterok:"$SLURM_ARRAY_JOB_ID" --job-name=einsim-merge --output="$OUT/merge.log" \
        --export=ALL,SHARDS="$SHARDS",OUT="$OUT",EINSIM="$EINSIM" "$0" --merge
fi
