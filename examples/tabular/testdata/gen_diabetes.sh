#!/bin/bash
# Regenerates diabetes.csv from the copy of the diabetes data set in Debian's python3-sklearn
# (apt-get install python3-sklearn): the ten raw baseline variables and the disease progression
# one year later, as one comma-separated file with a header. See README.md.
set -euo pipefail
d=${SKLEARN_DATA:-/usr/lib/python3/dist-packages/sklearn/datasets/data}
cd "$(dirname "$0")"
{
	echo "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,progression"
	paste -d ' ' <(zcat "$d/diabetes_data_raw.csv.gz") <(zcat "$d/diabetes_target.csv.gz") |
		awk '{ printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }'
} >diabetes.csv
