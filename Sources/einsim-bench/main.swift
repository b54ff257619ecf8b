import Einsim
print("einsim-bench: nothing yet")
