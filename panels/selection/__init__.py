"""Selection: targets from the census, feasibility, selection runs, the draw and its report."""
