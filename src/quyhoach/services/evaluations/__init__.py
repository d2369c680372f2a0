"""Evaluations (đánh giá): analytics of the yearly ratings, scores and votes."""
