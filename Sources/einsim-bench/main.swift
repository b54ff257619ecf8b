import Einsim
print(benchmarkProfileLoading())
