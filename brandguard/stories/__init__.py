"""Stories (事件聚类): documents about one event grouped per brand, as each batch is stored.

`items` reads what a document contributes (its keywords and damage evidence, weighted),
`grouping` decides where it goes (single-pass clustering within a time window, the way topic
detection and tracking systems follow news), and `tracker` is the pipeline's hook that loads
a batch's candidate stories from the store and saves what changed. The record is
`brandguard.story`.
"""
