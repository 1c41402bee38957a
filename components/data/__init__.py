"""The data a run trains on, as the sidebar sets it: the toy series or the person's own CSV
(checked, read once, its columns picked), and the windows every tab trains on."""
