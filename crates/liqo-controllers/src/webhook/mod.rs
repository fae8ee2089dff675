//! Admission webhooks of the controller manager (spec offloading.md §7 steps 6 and 8).
