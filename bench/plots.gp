# Plots of the scale harness (bench/run harness): time and peak heap against estate size.
set terminal pngcairo size 800,480 font ",10"
set logscale x
set xrange [5000:2000000]
set xlabel "facts in the estate"
set key top left
set grid
h2 = "bench/results/scale-h2.dat"
pg = "bench/results/scale-postgres.dat"

set output "docs/img/bench-scale-time.png"
set ylabel "seconds"
set logscale y
set title "Evaluation cycle time (rules, reconciliation, store)"
plot h2 using 1:2 with linespoints title "first, H2", \
     h2 using 1:3 with linespoints title "nothing changed, H2", \
     h2 using 1:4 with linespoints title "1% changed, H2", \
     pg using 1:2 with linespoints dashtype 2 title "first, PostgreSQL", \
     pg using 1:3 with linespoints dashtype 2 title "nothing changed, PostgreSQL", \
     pg using 1:4 with linespoints dashtype 2 title "1% changed, PostgreSQL"

set output "docs/img/bench-scale-heap.png"
set ylabel "MB"
set title "Peak heap during an evaluation cycle"
plot h2 using 1:5 with linespoints title "H2", \
     pg using 1:5 with linespoints dashtype 2 title "PostgreSQL"
