"""The fault suite: each of the 22 cases of the reliability pass, reproduced so it stays fixed."""
