#!/usr/bin/env bash
# Sourced by the other scripts: `cores`, the machine's cores. nproc alone reports
# OMP_NUM_THREADS (or OMP_THREAD_LIMIT) when set, and the tests set it to 1.
cores=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
