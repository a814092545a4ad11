"""The panel itself: its mandate, seats, lifecycle, and for standing panels, topics and cohorts."""
