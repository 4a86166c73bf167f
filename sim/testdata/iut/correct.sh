#!/bin/sh
# A correct adapter: the reference itself (SBCONF names another binary).
exec "${SBCONF:-build/sbconf}" adapter
