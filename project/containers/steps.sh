# Step bookkeeping shared by test-containers.sh and test-swarm.sh. Sourced, never run.
# `step <name>` prints the step with the seconds so far and notes how long the previous step took (in
# `timings`, which a script may print at the end); `current` names the step a failure happened in.
started=$(date +%s)
current="starting"
step_started=$started
timings=()
elapsed() { echo $(($(date +%s) - started)); }
close_step() {
  [ "$current" = starting ] || timings+=("$(printf '%5ss  %s' $(($(date +%s) - step_started)) "$current")")
}
step() {
  close_step
  current=$1
  step_started=$(date +%s)
  printf '\n== %s (%ss)\n' "$1" "$(elapsed)"
}
